/**
 * `tollgate serve --processes N` as an operator runs it on a machine with several cores: one
 * supervisor and N serving processes sharing the port, watched as real processes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { AUTH_CACHE_MS } from '../../src/services/merchants/auth-cache.js';
import { ApiClient, requestOnNewConnection } from '../helpers/client.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { dbArgs, killAll, Proc, runCli, startServe } from '../helpers/process.js';

after(killAll);

/** The serving processes of a supervisor: its child node processes. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function stillRunning(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/** A request on a connection of its own (the supervisor hands each new connection to the next process). */
async function onNewConnection(url: string, method: string, path: string, body = ''): Promise<{ status: number; body: string; servedBy: string }> {
  const r = await requestOnNewConnection(`${url}${path}`, method, body);
  // req-<time>-<process>-<sequence>: which process answered.
  return { status: r.status, body: r.body, servedBy: String(r.headers['x-request-id'] ?? '').split('-')[2] ?? '' };
}

/** A Paynow Zimbabwe initiation hashed with `key`, as the SDKs send it. */
function initiation(integrationId: number, key: string, reference: string): string {
  const pairs: Array<[string, string]> = [
    ['resulturl', 'http://127.0.0.1:9/result'],
    ['returnurl', 'http://127.0.0.1:9/return'],
    ['reference', reference],
    ['amount', '1.00'],
    ['id', String(integrationId)],
    ['additionalinfo', 'processes'],
    ['authemail', 'procs@shop.test'],
    ['status', 'Message'],
  ];
  const hash = createHash('sha512')
    .update(pairs.map(([, v]) => v).join('') + key)
    .digest('hex')
    .toUpperCase();
  return [...pairs, ['hash', hash]].map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`).join('&');
}

for (const kind of testDatabases()) {
  describe(`serve --processes on ${kind}`, () => {
    test('two processes share the port and both answer; one that dies is replaced; SIGTERM stops them all and exits 0', async () => {
      const { dataDir, databaseUrl } = await freshDatabase(kind);
      const p = await startServe([...dbArgs(dataDir, databaseUrl), '--port', '0', '--no-demo', '--processes', '2']);
      const banner = p.banner();
      assert.equal(banner.match(/Tollgate is listening/g)?.length, 1, `announced once:\n${banner}`);
      assert.match(banner, /listening on http:\/\/127\.0\.0\.1:\d+ with 2 processes/);
      const url = p.listeningUrl();
      const supervisor = p.child.pid as number;
      await eventually(async () => childrenOf(supervisor).length === 2, 10_000, `two serving processes${p.describe()}`);
      const first = childrenOf(supervisor);

      const servedBy = async (n: number): Promise<Set<string>> => {
        const seen = new Set<string>();
        for (let i = 0; i < n; i++) {
          const r = await onNewConnection(url, 'GET', '/healthz');
          assert.equal(r.status, 200);
          seen.add(r.servedBy);
        }
        return seen;
      };
      const answered = new Set<string>();
      await eventually(
        async () => {
          for (const id of await servedBy(2)) answered.add(id);
          return first.every((pid) => answered.has(pid.toString(36)));
        },
        20_000,
        'each process answered',
      );
      assert.deepEqual(answered, new Set(first.map((pid) => pid.toString(36))), 'only the two serving processes answered');

      process.kill(first[0] as number, 'SIGKILL');
      await p.waitFor(/serving process \d+ ended \(SIGKILL\); starting another/);
      await eventually(
        async () => {
          const now = childrenOf(supervisor);
          return now.length === 2 && !now.includes(first[0] as number);
        },
        20_000,
        'a new serving process runs',
      );
      const second = childrenOf(supervisor);
      // The replacement may still be starting: ask until every current process has answered.
      const expected = new Set(second.map((pid) => pid.toString(36)));
      const seen = new Set<string>();
      await eventually(
        async () => {
          for (const id of await servedBy(2)) seen.add(id);
          return [...expected].every((id) => seen.has(id));
        },
        20_000,
        'both current processes answered',
      );
      p.child.kill('SIGTERM');
      const exit = await p.exitWithin(25_000);
      assert.equal(exit?.code, 0, p.describe());
      assert.deepEqual(stillRunning(second), [], 'no serving process outlives its supervisor');
    });

    test('a key rotated through one process is refused by the other at once, not after the cache time', async () => {
      const { dataDir, databaseUrl } = await freshDatabase(kind);
      const db = dbArgs(dataDir, databaseUrl);
      const merchant = await runCli([...db, '--json', 'merchant', 'create', '--email', 'procs@shop.test', '--company', 'Procs', '--verified']);
      const { password } = JSON.parse(merchant.stdout) as { password: string };
      const created = await runCli([...db, '--json', 'integration', 'create', '--merchant', 'procs@shop.test', '--name', 'procs']);
      const { integration, credentials } = JSON.parse(created.stdout) as { integration: { id: string }; credentials: { paynowZw: { integrationId: number; integrationKey: string } } };
      const { integrationId, integrationKey: oldKey } = credentials.paynowZw;

      const p = await startServe([...db, '--port', '0', '--no-demo', '--processes', '2']);
      const url = p.listeningUrl();
      const pids = childrenOf(p.child.pid as number).map((pid) => pid.toString(36));

      // Both processes accept the key, and have it cached.
      const accepted = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const r = await onNewConnection(url, 'POST', '/interface/initiatetransaction', initiation(integrationId, oldKey, `before-${i}`));
        assert.match(r.body, /^status=Ok&/, r.body);
        accepted.add(r.servedBy);
      }
      assert.deepEqual(accepted, new Set(pids));

      const api = new ApiClient(url);
      assert.equal((await api.login('procs@shop.test', password)).status, 200);
      const rotated = await api.post(`/api/integrations/${integration.id}/rotate-keys`, { groups: ['paynow-zw'] });
      assert.equal(rotated.status, 200, rotated.text);
      const t0 = Date.now();
      // Long enough for the news to cross between processes, far shorter than the cache time.
      await new Promise((r) => setTimeout(r, 100));

      const refused = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const r = await onNewConnection(url, 'POST', '/interface/initiatetransaction', initiation(integrationId, oldKey, `after-${i}`));
        assert.match(r.body, /^status=Error&error=Invalid\+Hash/i, `process ${r.servedBy} still accepted the old key: ${r.body}`);
        refused.add(r.servedBy);
      }
      assert.ok(Date.now() - t0 < AUTH_CACHE_MS, 'all refused before the cache time could have run out');
      assert.deepEqual(refused, new Set(pids), 'both processes refused it');
      p.child.kill('SIGTERM');
      assert.equal((await p.exitWithin(25_000))?.code, 0);
    });
  });
}

// A supervisor that cannot start its processes (a busy port) fails once, with one line, and exits 1.
describe('serve --processes when the port is taken', () => {
  test('fails with the port message and leaves no process behind', async () => {
    const { dataDir } = await freshDatabase('sqlite');
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const p = new Proc(['serve', '--data-dir', dataDir, '--port', String(port), '--no-demo', '--processes', '2']);
      // Two serving processes load the code before one meets the busy port: slow on a loaded box.
      const exit = await p.exitWithin(60_000);
      assert.equal(exit?.code, 1, p.describe());
      assert.match(p.stderr, /port is in use/);
      assert.doesNotMatch(p.stdout, /Tollgate is listening/);
      assert.deepEqual(childrenOf(p.child.pid as number), []);
    } finally {
      blocker.close();
    }
  });
});

describe('serve --processes when its supervisor is killed', () => {
  test('the serving processes end too: none is left holding the port', async () => {
    const { dataDir } = await freshDatabase('sqlite');
    const p = await startServe(['--data-dir', dataDir, '--port', '0', '--no-demo', '--processes', '2']);
    const url = p.listeningUrl();
    const serving = childrenOf(p.child.pid as number);
    assert.equal(serving.length, 2);
    p.child.kill('SIGKILL');
    await p.exit;
    await eventually(async () => stillRunning(serving).length === 0, 20_000, 'the serving processes ended');
    await assert.rejects(onNewConnection(url, 'GET', '/healthz'), /ECONNREFUSED/);
  });
});

describe('serve --processes while PostgreSQL refuses new connections', { skip: !testDatabases().includes('postgres') }, () => {
  test('a process that cannot be replaced does not take the healthy one down; it is replaced once the database is back', async () => {
    const { dataDir, databaseUrl } = await freshDatabase('postgres');
    const url = new URL(databaseUrl as string);
    const dbName = url.pathname.slice(1);
    const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
    await admin.connect();
    const p = await startServe([...dbArgs(dataDir, databaseUrl), '--port', '0', '--no-demo', '--processes', '2']);
    try {
      const base = p.listeningUrl();
      const [victim, healthy] = childrenOf(p.child.pid as number) as [number, number];
      // Warm the healthy process's pool, then refuse every new connection.
      for (let i = 0; i < 4; i++) assert.equal((await onNewConnection(base, 'GET', '/readyz')).status, 200);
      await admin.query(`alter database "${dbName}" allow_connections false`);
      process.kill(victim, 'SIGKILL');
      await p.waitFor(/ended \(SIGKILL\); starting another in 1 s/);
      // The replacement fails to start (its reason goes to stderr) and is tried again later.
      await eventually(async () => /ended \(exit code 1\); starting another in 2 s/.test(p.stdout), 20_000, 'the replacement failed and is retried');
      assert.deepEqual(stillRunning([healthy]), [healthy], 'the healthy process still runs');
      assert.equal(p.exited, undefined, 'the supervisor still runs');
      assert.equal((await onNewConnection(base, 'GET', '/healthz')).status, 200, 'and the gateway still answers');
      await admin.query(`alter database "${dbName}" allow_connections true`);
      await eventually(async () => childrenOf(p.child.pid as number).length === 2 && /listening/.test(p.stdout), 30_000, 'two processes serve again');
      p.child.kill('SIGTERM');
      assert.equal((await p.exitWithin(25_000))?.code, 0, p.describe());
    } finally {
      await admin.query(`alter database "${dbName}" allow_connections true`).catch(() => {});
      await admin.end();
    }
  });
});
