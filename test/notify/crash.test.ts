/**
 * kill -9 during long deliveries loses nothing and sends nothing twice at the same time. `tollgate
 * serve` runs as a child process (its merchant, integration and API token written beforehand through
 * the services, on the same data) under load (payments created and paid, their notifications held
 * by the receiver for HOLD_MS each, on several ports so the per-destination limit does not slow the
 * test), and is killed with SIGKILL while some are held. A new gateway on the same data (its clock
 * past the dead worker's 60 s leases) then finishes everything: every delivery ends delivered, every
 * timer fires, the receiver has every (payment, version), and no two attempts of one notification
 * were ever open at the receiver at once (one may arrive twice, never zero times).
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { withServices } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config.js';
import { type RunningServer, serve } from '../../src/main.js';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import { createApiToken } from '../../src/services/merchants/sessions.js';
import { ApiClient } from '../helpers/client.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/postgres.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The worker's lease (createWorker's default): a dead worker's jobs are claimable again after it. */
const LEASE_MS = 60_000;
/** How long the receiver holds each request before answering: long next to a send, short of a stall (1 s without an answer). */
const HOLD_MS = 700;
/** Receiver ports, each a destination with its own 8 sends at once. */
const PORTS = 4;
/** Payments each client creates: enough that the kill lands mid-stream, few enough to finish quickly. */
const PER_CLIENT = 5;

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

/** One attempt as the receiver saw it: open from its arrival until answered or cut off. */
interface Attempt {
  key: string;
  start: number;
  end: number | undefined;
  answered: boolean;
}

/** Receivers on PORTS ports that hold every request HOLD_MS, then answer 200; each attempt's interval is recorded. */
async function holdingReceiver() {
  const attempts: Attempt[] = [];
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let i = 0; i < PORTS; i++) {
    const server = createServer((req, res) => {
      const a: Attempt = { key: String(req.headers['webhook-id']), start: Date.now(), end: undefined, answered: false };
      attempts.push(a);
      req.resume();
      // A connection cut by the kill ends the attempt unanswered.
      res.on('close', () => {
        a.end ??= Date.now();
      });
      setTimeout(() => {
        if (res.destroyed) return;
        a.answered = true;
        a.end = Date.now();
        res.writeHead(200).end('ok');
      }, HOLD_MS);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    urls.push(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`);
    servers.push(server);
  }
  return {
    urls,
    attempts,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((r) => {
              server.closeAllConnections();
              server.close(() => r());
            }),
        ),
      ),
  };
}

after(async () => {
  const procs = [...live];
  for (const p of procs) p.kill();
  await Promise.all(procs.map((p) => p.exit));
});

for (const kind of testDatabases()) {
  describe(`kill -9 of a serving gateway on ${kind}`, () => {
    let rx: Awaited<ReturnType<typeof holdingReceiver>>;
    let restarted: RunningServer | undefined;
    before(async () => {
      rx = await holdingReceiver();
    });
    after(async () => {
      await restarted?.stop();
      await rx.close();
    });

    test('during long deliveries: nothing is lost, nothing is sent twice at once', async (t) => {
      const t0 = Date.now();
      const mark = (what: string) => t.diagnostic(`${what} at ${Date.now() - t0} ms`);
      const data = await freshDatabase(kind);
      const io = { out: () => {}, err: () => {}, readStdin: async () => '', env: {} };
      const { integrationId, token } = await withServices(io, { dataDir: data.dataDir, databaseUrl: data.databaseUrl }, async (deps) => {
        const { merchant } = await registerMerchant(deps, { email: `crash-${kind}@example.test`, password: 'a long password 1', companyName: 'Crash Co' }, { verified: true });
        const { integration } = await createIntegration(deps, merchant.id, { name: 'Crash shop', notificationUrl: rx.urls[0] }, { kind: 'system', id: null });
        return { integrationId: integration.id, token: (await createApiToken(deps, merchant.id, 'crash')).token };
      });
      mark('set up');

      const port = await freePort();
      const db = ['--data-dir', data.dataDir, ...(data.databaseUrl ? ['--database-url', data.databaseUrl] : [])];
      const server = new Proc(['serve', '--port', String(port), '--no-demo', ...db], cleanEnv({ TOLLGATE_LOG_LEVEL: 'warn', TOLLGATE_ALLOW_PRIVATE_CALLBACKS: 'true' }));
      await server.waitFor(/API docs/);
      mark('serving');
      const api = new ApiClient(`http://127.0.0.1:${port}`);
      api.bearer = token;

      // Load: four clients create payments and pay them, by card (paid at once) or a 5 s test phone.
      const created = new Set<string>();
      const paidByCard = new Set<string>();
      const pendingOnPhone = new Set<string>();
      const client = async (n: number) => {
        for (let k = 0; k < PER_CLIENT; k++) {
          try {
            const notifyUrl = rx.urls[(n + k) % PORTS];
            const c = await api.post(`/api/integrations/${integrationId}/payments`, { amount: 100 + k, currency: 'USD', reference: `c${n}-${k}`, notifyUrl });
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
      const held = () => rx.attempts.filter((a) => a.end === undefined).length;
      await eventually(async () => rx.attempts.some((a) => a.answered) && held() >= 4, 30_000, 'notifications answered and others held');
      mark('killing');
      server.kill();
      const died = await server.exit;
      await Promise.all(clients);
      assert.equal(died.signal, 'SIGKILL');
      await eventually(async () => held() === 0, 5_000, 'the receiver to see the dead gateway\u2019s connections close');
      const cut = rx.attempts.filter((a) => !a.answered).length;
      assert.ok(cut >= 1, 'the kill cut deliveries short');
      const before = new Set(rx.attempts.filter((a) => a.answered).map((a) => a.key));
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
      const received = new Set(rx.attempts.filter((a) => a.answered).map((a) => a.key));
      for (const p of payments) {
        const versions = events.filter((e) => e.payment_id === p.id).map((e) => Number(e.version)).sort((a, b) => a - b);
        assert.deepEqual(versions, Array.from({ length: Number(p.version) }, (_, k) => k + 1), `${p.id}: events 1..n`);
        const dv = deliveries.filter((d) => d.payment_id === p.id).map((d) => Number(d.event_version)).sort((a, b) => a - b);
        assert.deepEqual(dv, versions, `${p.id}: one delivery per event`);
        for (const v of versions) assert.ok(received.has(`${p.id}.v${v}`), `${p.id}.v${v} was answered by the receiver`);
      }
      const afterRestart = [...received].filter((k) => !before.has(k));
      assert.ok(afterRestart.length >= 1, 'the new gateway sent what the dead one had not');

      // No two attempts of one notification were open at the receiver at the same time.
      const byKey = new Map<string, Attempt[]>();
      for (const a of rx.attempts) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      for (const [key, list] of byKey) {
        const sorted = list.sort((a, b) => a.start - b.start);
        for (let i = 1; i < sorted.length; i++) {
          const prev = sorted[i - 1]!;
          assert.ok(prev.end !== undefined && sorted[i]!.start >= prev.end, `${key}: an attempt began at ${sorted[i]!.start} while one open since ${prev.start} had not ended (${prev.end})`);
        }
      }
      const twice = rx.attempts.filter((a) => a.answered).length - received.size;
      t.diagnostic(`${payments.length} payments, ${deliveries.length} deliveries, ${cut} cut by the kill, ${afterRestart.length} delivered after the restart, ${twice} answered twice`);
    });
  });
}
