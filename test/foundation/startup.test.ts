/**
 * `tollgate serve` as an operator runs it: a real child process started through bin/tollgate.js,
 * watched through its stdout, stderr, exit code and signals.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { ApiClient, requestOnNewConnection } from '../helpers/client.js';
import { freshDatabase, tempDir, testDatabases } from '../helpers/dbs.js';
import { freePort } from '../helpers/postgres.js';
import { cleanEnv, dbArgs, type Exit, killAll, Proc, runCli, startServe, stopNow } from '../helpers/process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEMO_EMAIL = 'demo@example.com';

after(killAll);

function stderrLines(p: { stderr: string }): string[] {
  return p.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** A failed start: quick, non-zero, one clear line on stderr and nothing that looks like a start or a crash. */
function assertOneLineFailure(p: Proc, exit: Exit | undefined, re: RegExp, prefix = /^tollgate: /): void {
  assert.ok(exit, `the process did not end by itself${'\n'}${p.stdout}${p.stderr}`);
  assert.equal(exit.signal, null);
  assert.notEqual(exit.code, 0);
  // generous: the test machine is shared; a hang (a connect timeout, a server left running) takes longer
  assert.ok(exit.ms < 20_000, `took ${exit.ms} ms to give up`);
  const lines = stderrLines(p);
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${p.stderr}`);
  assert.match(lines[0] as string, prefix);
  assert.match(lines[0] as string, re);
  assert.doesNotMatch(p.stdout, /listening|Login|First start|Start page/i);
  assert.doesNotMatch(p.stdout + p.stderr, /^\s+at /m, 'no stack trace');
}

/** A POST whose headers and first bytes are sent now and whose body is finished later. */
function partialPost(port: number, path: string, body: string, keepAlive: boolean, requestId: string) {
  const agent = new http.Agent({ keepAlive });
  let req: http.ClientRequest | undefined;
  const response = new Promise<{ status: number; connection: string | undefined; body: string }>((done, fail) => {
    req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
      },
    );
    req.on('error', fail);
    req.write(body.slice(0, 10));
  });
  // A test that fails before awaiting the response must not also leave an unhandled rejection.
  response.catch(() => {});
  return {
    response,
    finish: () => req?.end(body.slice(10)),
    close: () => agent.destroy(),
  };
}

async function fetchStatusOrError(url: string): Promise<number | string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
    return r.status;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return e.cause?.code ?? e.name;
  }
}

/** A GET on a new connection (no pooled keep-alive socket): its status, or the connection error's code. */
function freshGet(port: number, path: string): Promise<number | string> {
  return requestOnNewConnection(`http://127.0.0.1:${port}${path}`, 'GET', '', 3000).then(
    (r) => r.status,
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
}

function merchantBody(email: string): string {
  return JSON.stringify({ email, password: 'correct horse battery', companyName: 'Signal Shop' });
}

// The suites below start their own processes and ports, so two run at a time.
describe('tollgate serve as a process', { concurrency: 2 }, () => {
  for (const kind of testDatabases()) {
    describe(`serve: first start, second start and signals on ${kind}`, { concurrency: 1 }, () => {
      let dataDir: string;
      let databaseUrl: string | undefined;
      let port: number;
      let first: Proc;
      let url: string;

      before(async () => {
        ({ dataDir, databaseUrl } = await freshDatabase(kind));
        port = await freePort();
        url = `http://127.0.0.1:${port}`;
        first = await startServe(['--port', String(port), ...dbArgs(dataDir, databaseUrl)]);
      });
      after(async () => {
        if (first) await stopNow(first);
      });

      test('the first start applies the migrations and prints the demo login, all three dialects\' credentials and the URLs', async () => {
        const banner = first.banner();
        for (const name of Object.keys(MIGRATIONS)) assert.match(banner, new RegExp(`^applied migration ${name}$`, 'm'));
        assert.match(banner, /^First start: created a demo merchant/m);
        const login = banner.match(/^ {2}Login {5}demo@example\.com \/ (\S+)$/m);
        assert.ok(login, banner);
        assert.ok((login[1] as string).length >= 12);
        const zw = banner.match(/Paynow Zimbabwe +integration ID (\d+), integration key (\S+)$/m);
        assert.ok(zw, banner);
        assert.match(zw[2] as string, UUID);
        const pl = banner.match(/Paynow\.pl +sandbox Api-Key (\S+), Signature-Key (\S+)$/m);
        assert.ok(pl, banner);
        assert.match(pl[1] as string, UUID);
        assert.match(pl[2] as string, UUID);
        assert.match(banner, /PayDunya +master key [A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/m);
        assert.match(banner, /test private key test_private_[A-Za-z0-9]{27}$/m);
        assert.match(banner, /test public key test_public_[A-Za-z0-9-]{27,43}$/m);
        assert.match(banner, /test token [A-Za-z0-9]{20}$/m);
        const where = kind === 'sqlite' ? `SQLite at ${join(dataDir, 'tollgate.sqlite')}` : 'PostgreSQL at postgresql://127.0.0.1:';
        assert.ok(banner.includes(`Tollgate is listening on ${url} (${where}`), banner);
        assert.match(banner, new RegExp(`^ {2}Start page ${url}/$`, 'm'));
        assert.match(banner, new RegExp(`^ {2}API docs {3}${url}/docs$`, 'm'));
        assert.equal(first.stderr, '');
      });

      test('the printed demo login works, and the printed credentials are its integration\'s', async () => {
        const banner = first.banner();
        const password = banner.match(/demo@example\.com \/ (\S+)$/m)?.[1] as string;
        const zwId = Number(banner.match(/integration ID (\d+),/)?.[1]);
        const client = new ApiClient(url);
        assert.equal((await client.login(DEMO_EMAIL, 'not the password at all')).status, 401);
        const r = await client.login(DEMO_EMAIL, password);
        assert.equal(r.status, 200, r.text);
        const list = await client.get('/api/integrations');
        assert.equal(list.status, 200, list.text);
        assert.equal(list.body.data.length, 1);
        assert.equal(list.body.data[0].paynowZwIntegrationId, zwId);
        assert.equal(list.body.data[0].mode, 'test');
      });

      test('GET /docs serves the Swagger UI and /docs/json is an OpenAPI document of the management API', async () => {
        const ui = await fetch(`${url}/docs`);
        assert.equal(ui.status, 200);
        assert.match(ui.headers.get('content-type') ?? '', /text\/html/);
        assert.match(await ui.text(), /swagger/i);
        const doc = await fetch(`${url}/docs/json`);
        assert.equal(doc.status, 200);
        const spec = (await doc.json()) as { openapi: string; paths: Record<string, unknown>; servers?: { url: string }[] };
        assert.match(spec.openapi, /^3\./);
        assert.ok('/api/integrations' in spec.paths, Object.keys(spec.paths).join(', '));
        assert.ok('/api/merchants' in spec.paths);
        assert.equal(spec.servers?.[0]?.url, url);
      });

      test('the generated master key file is readable by its owner only', () => {
        const file = join(dataDir, 'master.key');
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.match(readFileSync(file, 'utf8').trim(), /^[0-9a-f]{64}$/);
      });

      test('SIGTERM lets an in-flight request (keep-alive client) finish with 201, refuses new ones, and exits 0', async () => {
        const post = partialPost(port, '/api/merchants', merchantBody(`sigterm-${kind}@example.com`), true, 'in-flight-at-sigterm');
        try {
          // The server has the request once it logs it (by the request id we gave); only then is it in flight.
          await first.waitFor(/in-flight-at-sigterm/);
          first.child.kill('SIGTERM');
          await first.waitFor(/SIGTERM received/);
          const fresh = await freshGet(port, '/healthz');
          // refused, reset after the accept queue is dropped, or answered 503: anything but being served
          assert.ok(fresh === 'ECONNREFUSED' || fresh === 'ECONNRESET' || fresh === 503, `a new request during shutdown got ${fresh}`);
          post.finish();
          const res = await post.response.catch((err: Error) => {
            throw new Error(`the in-flight request failed: ${err.message}${first.describe()}`);
          });
          assert.equal(res.status, 201, res.body);
          assert.match(JSON.parse(res.body).merchant.id, /^mer_/);
          const exit = await first.exitWithin(10_000);
          assert.ok(exit, 'the server was still running 10 s after its last request completed');
          assert.deepEqual([exit.code, exit.signal], [0, null]);
        } finally {
          post.close();
          first.kill();
          await first.exit;
        }
      });

      test('a second start on the same data prints the URLs, no demo credentials and no migrations; SIGINT with a request in flight exits 0', async () => {
        const second = await startServe(['--port', String(port), ...dbArgs(dataDir, databaseUrl)]);
        try {
          const banner = second.banner();
          assert.ok(banner.includes(`Tollgate is listening on ${url} (`), banner);
          assert.match(banner, new RegExp(`^ {2}Start page ${url}/$`, 'm'));
          assert.match(banner, new RegExp(`^ {2}API docs {3}${url}/docs$`, 'm'));
          assert.doesNotMatch(banner, /First start|Login|integration key|Api-Key|master key|private key|token/);
          assert.doesNotMatch(banner, /applied migration/);
          // the merchant the SIGTERM test's in-flight request created was committed before that exit
          const client = new ApiClient(url);
          assert.equal((await client.login(`sigterm-${kind}@example.com`, 'correct horse battery')).status, 200);

          const post = partialPost(port, '/api/merchants', merchantBody(`sigint-${kind}@example.com`), false, 'in-flight-at-sigint');
          try {
            await second.waitFor(/in-flight-at-sigint/);
            second.child.kill('SIGINT');
            await second.waitFor(/SIGINT received/);
            post.finish();
            const res = await post.response;
            assert.equal(res.status, 201, res.body);
            const exit = await second.exitWithin(10_000);
            assert.ok(exit, 'the server was still running 10 s after SIGINT');
            assert.deepEqual([exit.code, exit.signal], [0, null]);
          } finally {
            post.close();
          }
        } finally {
          second.kill();
          await second.exit;
        }
      });

      test('a TOLLGATE_MASTER_KEY other than the one the database was created with is refused in one line', async () => {
        const p = new Proc(['serve', '--port', String(port), ...dbArgs(dataDir, databaseUrl)], cleanEnv({ TOLLGATE_MASTER_KEY: randomBytes(32).toString('hex') }));
        const exit = await p.exitWithin(30_000);
        p.kill();
        assertOneLineFailure(p, exit, /master key does not open the secrets/);
        // and it was refused before anything listened
        assert.equal(await freshGet(port, '/healthz'), 'ECONNREFUSED');
      });
    });
  }

  if (testDatabases().includes('sqlite')) {
    describe('serve: configuration from flags and environment variables', { concurrency: 1 }, () => {
      let envDir: string;
      let envPort: number;
      let envServer: Proc;
      let flagDir: string;
      let flagPort: number;
      let flagServer: Proc;
      let ignoredDir: string;
      let ignoredPort: number;

      before(async () => {
        envDir = tempDir();
        flagDir = tempDir();
        ignoredDir = join(tempDir(), 'never-created');
        [envPort, flagPort, ignoredPort] = [await freePort(), await freePort(), await freePort()];
        [envServer, flagServer] = await Promise.all([
          startServe(['--no-demo'], cleanEnv({ TOLLGATE_PORT: String(envPort), TOLLGATE_HOST: '127.0.0.2', TOLLGATE_DATA_DIR: envDir })),
          startServe(
            ['--port', String(flagPort), '--host', '127.0.0.1', '--data-dir', flagDir, '--public-url', 'https://pay.example.com'],
            cleanEnv({ TOLLGATE_PORT: String(ignoredPort), TOLLGATE_HOST: '127.0.0.2', TOLLGATE_DATA_DIR: ignoredDir, TOLLGATE_PUBLIC_URL: 'https://env.example.com' }),
          ),
        ]);
      });
      after(async () => {
        await Promise.all([envServer, flagServer].filter((p) => p !== undefined).map(stopNow));
      });

      test('TOLLGATE_PORT, TOLLGATE_HOST and TOLLGATE_DATA_DIR configure serve', async () => {
        const banner = envServer.banner();
        const base = `http://127.0.0.2:${envPort}`;
        assert.ok(banner.includes(`Tollgate is listening on ${base} (SQLite at ${join(envDir, 'tollgate.sqlite')})`), banner);
        assert.match(banner, new RegExp(`^ {2}API docs {3}${base}/docs$`, 'm'));
        assert.ok(existsSync(join(envDir, 'tollgate.sqlite')));
        assert.ok(existsSync(join(envDir, 'master.key')));
        assert.equal(await fetchStatusOrError(`${base}/healthz`), 200);
        assert.equal(await fetchStatusOrError(`http://127.0.0.1:${envPort}/healthz`), 'ECONNREFUSED');
      });

      test('flags win over the environment variables, and --public-url is what the URLs show', async () => {
        const banner = flagServer.banner();
        assert.ok(banner.includes(`Tollgate is listening on https://pay.example.com (SQLite at ${join(flagDir, 'tollgate.sqlite')})`), banner);
        assert.match(banner, /^ {2}Start page https:\/\/pay\.example\.com\/$/m);
        assert.match(banner, /^ {2}API docs {3}https:\/\/pay\.example\.com\/docs$/m);
        assert.doesNotMatch(banner, /env\.example\.com|127\.0\.0\.2/);
        assert.equal(await fetchStatusOrError(`http://127.0.0.1:${flagPort}/healthz`), 200);
        assert.equal(await fetchStatusOrError(`http://127.0.0.2:${ignoredPort}/healthz`), 'ECONNREFUSED');
        assert.equal(existsSync(ignoredDir), false, 'the data directory from the environment was used');
        const spec = (await (await fetch(`http://127.0.0.1:${flagPort}/docs/json`)).json()) as { servers?: { url: string }[] };
        assert.equal(spec.servers?.[0]?.url, 'https://pay.example.com');
      });

      test('--no-demo on an empty database creates no demo merchant', async () => {
        assert.doesNotMatch(envServer.banner(), /First start|Login|integration key/);
        const client = new ApiClient(`http://127.0.0.2:${envPort}`);
        assert.equal((await client.login(DEMO_EMAIL, 'password')).status, 401);
        const list = await runCli(['integration', 'list', '--merchant', DEMO_EMAIL, '--data-dir', envDir]);
        assert.notEqual(list.exited.code, 0);
        assert.deepEqual(stderrLines(list), [`tollgate: no merchant with the email address ${DEMO_EMAIL}`]);
      });

      test('a merchant acknowledged with 201 survives kill -9 of the server right after', async () => {
        const email = 'durable@example.com';
        const r = await fetch(`http://127.0.0.2:${envPort}/api/merchants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: merchantBody(email) });
        assert.equal(r.status, 201, await r.text());
        envServer.child.kill('SIGKILL');
        assert.equal((await envServer.exit).signal, 'SIGKILL');
        const list = await runCli(['integration', 'list', '--merchant', email, '--json', '--data-dir', envDir]);
        assert.equal(list.exited.code, 0, list.stderr);
        assert.deepEqual(JSON.parse(list.stdout), { integrations: [] });
      });
    });

    describe('serve: bad start-up input ends the process at once with one line on stderr', { concurrency: 3 }, () => {
      let busy: Server | undefined;
      let busyPort: number;
      let busyDir: string;
      let busyFailed: Promise<void>;
      let markBusyFailed: () => void;

      before(async () => {
        busyPort = await freePort();
        busyDir = tempDir();
        busyFailed = new Promise((r) => {
          markBusyFailed = r;
        });
        const srv = createServer();
        await new Promise<void>((r) => srv.listen(busyPort, '127.0.0.1', r));
        busy = srv;
      });
      after(async () => {
        await new Promise<void>((r) => (busy ? busy.close(() => r()) : r()));
      });

      async function failedStart(args: string[], env?: NodeJS.ProcessEnv): Promise<{ p: Proc; exit: Exit | undefined }> {
        const p = new Proc(['serve', ...args], env);
        const exit = await p.exitWithin(30_000);
        p.kill();
        return { p, exit };
      }

      test('--port 70000', async () => {
        const { p, exit } = await failedStart(['--port', '70000', '--data-dir', tempDir()]);
        assertOneLineFailure(p, exit, /port.*between 0 and 65535/);
      });

      test('--port abc', async () => {
        const { p, exit } = await failedStart(['--port', 'abc', '--data-dir', tempDir()]);
        assertOneLineFailure(p, exit, /port.*must be a number/);
      });

      test('an unreachable PostgreSQL URL', async () => {
        const { p, exit } = await failedStart(['--port', '0', '--data-dir', tempDir(), '--database-url', 'postgresql://127.0.0.1:1/nope']);
        assertOneLineFailure(p, exit, /cannot reach the database at postgresql:\/\/127\.0\.0\.1:1\/nope/);
      });

      test('a database URL that is not PostgreSQL', async () => {
        const { p, exit } = await failedStart(['--port', '0', '--data-dir', tempDir(), '--database-url', 'mysql://x']);
        assertOneLineFailure(p, exit, /database URL must start with postgres/);
      });

      test('a data directory that cannot be created (a path under a regular file)', async () => {
        const file = join(tempDir(), 'a-file');
        writeFileSync(file, 'not a directory');
        const { p, exit } = await failedStart(['--port', '0', '--data-dir', join(file, 'data')]);
        assertOneLineFailure(p, exit, /data directory .*a-file\/data is not writable/);
        assert.equal(readFileSync(file, 'utf8'), 'not a directory');
      });

      test('a port already in use', async () => {
        try {
          const { p, exit } = await failedStart(['--port', String(busyPort), '--data-dir', busyDir, '--no-worker']);
          assertOneLineFailure(p, exit, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port is in use`));
        } finally {
          markBusyFailed();
        }
      });

      test('a first start that failed on a busy port still creates the demo merchant on the next start', async () => {
        await busyFailed;
        const p = await startServe(['--port', '0', '--data-dir', busyDir]);
        try {
          assert.match(p.banner(), /^First start: created a demo merchant/m);
          assert.match(p.banner(), /^ {2}Login {5}demo@example\.com \/ \S+$/m);
        } finally {
          p.kill();
          await p.exit;
        }
      });
    });
  }

  if (testDatabases().includes('postgres')) {
    describe('serve: two processes start together on one fresh PostgreSQL database', { concurrency: 1 }, () => {
      test('both come up, the migrations are applied once and there is exactly one demo merchant', async () => {
        const { databaseUrl } = await freshDatabase('postgres');
        assert.ok(databaseUrl);
        // Instances of one deployment share the database and the master key, not a data directory.
        const env = cleanEnv({ TOLLGATE_MASTER_KEY: randomBytes(32).toString('hex') });
        const ports = [await freePort(), await freePort()];
        const procs = ports.map((port) => new Proc(['serve', '--port', String(port), '--data-dir', tempDir(), '--database-url', databaseUrl], env));
        try {
          await Promise.all(procs.map((p) => p.waitFor(/^ {2}API docs .*\n/m)));
          for (const port of ports) assert.equal(await fetchStatusOrError(`http://127.0.0.1:${port}/readyz`), 200);
          const demos = procs.filter((p) => /^First start: created a demo merchant/m.test(p.banner()));
          assert.equal(demos.length, 1, 'exactly one process creates and prints the demo');
          for (const name of Object.keys(MIGRATIONS)) {
            const applying = procs.filter((p) => p.banner().includes(`applied migration ${name}\n`));
            assert.equal(applying.length, 1, `${name} was applied by ${applying.length} processes`);
          }
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          try {
            const migrations = await client.query<{ name: string }>('select name from kysely_migration order by name');
            assert.deepEqual(
              migrations.rows.map((r) => r.name),
              Object.keys(MIGRATIONS).sort(),
            );
            const merchants = await client.query<{ email: string }>('select email from merchants');
            assert.deepEqual(
              merchants.rows.map((r) => r.email),
              [DEMO_EMAIL],
            );
            const integrations = await client.query('select id from integrations');
            assert.equal(integrations.rowCount, 1);
          } finally {
            await client.end();
          }
          for (const p of procs) assert.equal(p.stderr, '');
        } finally {
          for (const p of procs) p.kill();
          await Promise.all(procs.map((p) => p.exit));
        }
      });
    });
  }
});
