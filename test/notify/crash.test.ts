/**
 * kill -9 at any moment loses no committed job: `tollgate serve` runs as a child process (its merchant
 * made by `tollgate merchant create`, its integration over HTTP) under load
 * (payments created and paid, notifications flowing to a slow receiver) and is killed with SIGKILL
 * mid-stream. A new gateway on the same data (its clock past the dead worker's 60 s leases) then
 * finishes everything: every delivery ends delivered, every timer fires, and the receiver has every
 * (payment, version) at least once; a notification may arrive twice, never zero times.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { type RunningServer, serve } from '../../src/main.js';
import { ApiClient } from '../helpers/client.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { freePort } from '../helpers/postgres.js';
import { eventually } from '../helpers/eventually.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The worker's lease (createWorker's default): a dead worker's jobs are claimable again after it. */
const LEASE_MS = 60_000;

class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited = false;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['bin/tollgate.js', ...args], { cwd: ROOT, env, stdio: 'pipe' });
    live.add(this);
    this.child.stdin.end();
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
    });
    this.exit = new Promise((done) => {
      this.child.on('close', (code, signal) => {
        this.exited = true;
        live.delete(this);
        done({ code, signal });
      });
    });
  }

  async waitFor(re: RegExp, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!re.test(this.stdout)) {
      if (this.exited) throw new Error(`exited while waiting for ${re}\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

const live = new Set<Proc>();

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
  return { ...env, ...extra };
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<any> {
  const p = new Proc(args, env);
  const { code } = await p.exit;
  if (code !== 0) throw new Error(`tollgate ${args.join(' ')} exited ${code}\n${p.stdout}\n${p.stderr}`);
  return JSON.parse(p.stdout);
}

/** A receiver that takes its time (so deliveries are in flight when the gateway dies) and records what came. */
async function slowReceiver(delayMs: number) {
  const got: Array<{ key: string; at: number }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      got.push({ key: `${body.payment.id}.v${body.payment.version}`, at: Date.now() });
      setTimeout(() => res.writeHead(200).end('ok'), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

after(async () => {
  const procs = [...live];
  for (const p of procs) p.kill();
  await Promise.all(procs.map((p) => p.exit));
});

for (const kind of testDatabases()) {
  describe(`kill -9 of a serving gateway on ${kind}`, () => {
    let rx: Awaited<ReturnType<typeof slowReceiver>>;
    let restarted: RunningServer | undefined;
    before(async () => {
      rx = await slowReceiver(120);
    });
    after(async () => {
      await restarted?.stop();
      await rx.close();
    });

    test('no committed job is lost; every notification arrives at least once', async (t) => {
      const t0 = Date.now();
      const mark = (what: string) => t.diagnostic(`${what} at ${Date.now() - t0} ms`);
      const data = await freshDatabase(kind);
      const db = ['--data-dir', data.dataDir, ...(data.databaseUrl ? ['--database-url', data.databaseUrl] : [])];
      const env = cleanEnv({ TOLLGATE_LOG_LEVEL: 'warn', TOLLGATE_ALLOW_PRIVATE_CALLBACKS: 'true' });
      const email = `crash-${kind}@example.test`;
      const m = await cli(['merchant', 'create', '--email', email, '--company', 'Crash Co', '--verified', '--json', ...db], env);
      mark('cli done');

      const port = await freePort();
      const server = new Proc(['serve', '--port', String(port), '--no-demo', ...db], env);
      await server.waitFor(/API docs/);
      mark('serving');
      const api = new ApiClient(`http://127.0.0.1:${port}`);
      assert.equal((await api.login(email, m.password)).status, 200);
      const i = await api.post('/api/integrations', { name: 'Crash shop', notificationUrl: rx.url });
      assert.equal(i.status, 201, i.text);
      const integrationId = i.body.integration.id as string;

      // Load: four clients create payments and pay them, by card (paid at once) or a 5 s test phone.
      const created = new Set<string>();
      const paidByCard = new Set<string>();
      const pendingOnPhone = new Set<string>();
      let stop = false;
      const client = async (n: number) => {
        for (let k = 0; !stop; k++) {
          try {
            const c = await api.post(`/api/integrations/${integrationId}/payments`, { amount: 100 + k, currency: 'USD', reference: `c${n}-${k}` });
            if (c.status !== 201) return;
            const id = c.body.payment.id as string;
            created.add(id);
            const byCard = (n + k) % 2 === 0;
            const p = await api.post(`/api/payments/${id}/pay`, byCard ? { method: 'card', cardNumber: '4444 4444 4444 4000' } : { method: 'ecocash', phone: '0771111111' });
            if (p.status !== 200) return;
            (byCard ? paidByCard : pendingOnPhone).add(id);
          } catch {
            return; // the gateway died under us
          }
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      await eventually(async () => rx.got.length >= 15, 30_000, 'notifications to flow');
      mark('killing');
      server.kill();
      const died = await server.exit;
      stop = true;
      await Promise.all(clients);
      assert.equal(died.signal, 'SIGKILL');
      const before = new Set(rx.got.map((g) => g.key));
      assert.ok(created.size >= 4 && pendingOnPhone.size >= 1, `load ran: ${created.size} created, ${pendingOnPhone.size} on a phone`);

      // A new gateway on the same data; its clock is past the dead worker's leases.
      const config = loadConfig({}, { dataDir: data.dataDir, databaseUrl: data.databaseUrl, port: 0, demo: false, logLevel: 'silent', worker: true, allowPrivateCallbacks: true });
      restarted = await serve(config, () => {}, { handleSignals: false, clock: { now: () => Date.now() + LEASE_MS + 1_000 }, log: pino({ level: 'silent' }) });
      const store = restarted.app.deps.store;
      mark('restarted');
      await eventually(
        async () => {
          const open = await store.db.selectFrom('deliveries').select('id').where('status', '!=', 'delivered').execute();
          const jobs = await store.db.selectFrom('jobs').select('id').where('kind', 'in', ['deliver', 'timer']).execute();
          return open.length === 0 && jobs.length === 0;
        },
        30_000,
        'every delivery and timer to finish after the restart',
      );

      mark('finished');
      const payments = await store.db.selectFrom('payments').select(['id', 'state', 'version']).where('integration_id', '=', integrationId).execute();
      const byId = new Map(payments.map((p) => [p.id, p]));
      for (const id of created) assert.ok(byId.has(id), `acknowledged payment ${id} exists`);
      for (const id of paidByCard) assert.equal(byId.get(id)?.state, 'paid', id);
      for (const id of pendingOnPhone) assert.equal(byId.get(id)?.state, 'paid', `${id}: its 5 s timer survived the kill`);

      const events = await store.db.selectFrom('payment_events').select(['payment_id', 'version']).execute();
      const deliveries = await store.db.selectFrom('deliveries').select(['payment_id', 'event_version', 'status']).where('integration_id', '=', integrationId).execute();
      const received = new Set(rx.got.map((g) => g.key));
      for (const p of payments) {
        const versions = events.filter((e) => e.payment_id === p.id).map((e) => Number(e.version)).sort((a, b) => a - b);
        assert.deepEqual(versions, Array.from({ length: Number(p.version) }, (_, k) => k + 1), `${p.id}: events 1..n`);
        const dv = deliveries.filter((d) => d.payment_id === p.id).map((d) => Number(d.event_version)).sort((a, b) => a - b);
        assert.deepEqual(dv, versions, `${p.id}: one delivery per event`);
        for (const v of versions) assert.ok(received.has(`${p.id}.v${v}`), `${p.id}.v${v} reached the receiver`);
      }
      const afterRestart = [...received].filter((k) => !before.has(k));
      assert.ok(afterRestart.length >= 1, 'the new gateway sent what the dead one had not');
      const duplicates = rx.got.length - received.size;
      t.diagnostic(`${payments.length} payments, ${deliveries.length} deliveries, ${afterRestart.length} delivered after the restart, ${duplicates} sent twice`);
    });
  });
}
