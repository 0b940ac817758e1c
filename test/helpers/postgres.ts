/**
 * A throwaway PostgreSQL cluster for the test run: initdb and pg_ctl on a free loopback port, in a
 * temporary directory deleted afterwards. initdb refuses to run as root, so as root the cluster
 * runs as the Debian `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  url: string;
  /** The same database through the cluster's Unix socket. */
  socketUrl: string;
  stop(): void;
}

function findBinDir(): string | undefined {
  const candidates = [process.env.PG_BIN_DIR, ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : [])];
  return candidates.find((d): d is string => typeof d === 'string' && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Why PostgreSQL suites cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  if (!findBinDir()) return 'the PostgreSQL server binaries (initdb, pg_ctl) are not installed; apt-get install postgresql';
  if (process.getuid?.() === 0) {
    const who = spawnSync('id', ['-u', 'postgres']);
    if (who.status !== 0) return 'running as root and there is no postgres user to run the cluster as';
  }
  return undefined;
}

export async function startCluster(): Promise<Cluster> {
  const bin = findBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
      else execFileSync(full, args, { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(`${cmd} failed: ${e.stderr?.toString().trim() || e.message}`);
    }
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', [
    '-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on`,
    'start',
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    socketUrl: `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
