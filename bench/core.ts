/**
 * npm run bench:core — the payments core under load, on SQLite and PostgreSQL, at 1 and 64 clients:
 * each operation creates a payment and moves it to paid (two transactions: payment, event, delivery
 * and jobs), while the worker delivers every notification to a local receiver. Beside it, the same
 * database's ceiling: bare transactions with the same number of row writes, in the same run.
 *
 * Then head-of-line: while 20 endpoints accept connections and never answer (8 notifications queued
 * for each), how long after its commit a notification to a fast endpoint arrives (p50, p99).
 *
 * Options: BENCH_OPS (default 2000 per run), BENCH_DBS=sqlite,postgres, BENCH_HOL=0 skips head-of-line,
 * BENCH_CLIENTS=1,16,64 (default 1,64), BENCH_GROUP_COMMIT=0 gives each transaction its own commit.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { sql } from 'kysely';
import pino from 'pino';
import { wireFormatters } from '../src/app.js';
import { systemClock } from '../src/core/clock.js';
import { createKeyring } from '../src/core/crypto.js';
import { randomIds } from '../src/core/ids.js';
import type { ServiceDeps } from '../src/services/deps.js';
import { registerMerchant } from '../src/services/merchants/accounts.js';
import { AuthCache } from '../src/services/merchants/auth-cache.js';
import { createIntegration } from '../src/services/merchants/integrations.js';
import { createPayment } from '../src/services/payments/create.js';
import { transitionPayment } from '../src/services/payments/transition.js';
import { openStore, type Store, unreadCount } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createHttpSender } from '../src/worker/http-sender.js';
import { createWorker } from '../src/worker/worker.js';
import { tempDir } from '../test/helpers/dbs.js';
import { closedLoop, fmt, machine, onEachDatabase, percentile, type RunStats, say } from './lib.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,64').split(',').map(Number);
const GROUP_COMMIT = process.env.BENCH_GROUP_COMMIT !== '0';

interface Row {
  db: string;
  clients: number;
  core: RunStats;
  ceiling: RunStats;
  delivered: number;
  deliveredPerSecond: number;
}

async function receiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * The ceiling: the same row writes as one payment's two transactions, on bare tables, nothing else.
 * Written unread (pipelined on PostgreSQL), as the payment's own writes are.
 */
async function ceiling(store: Store, clients: number): Promise<RunStats> {
  await sql`create table if not exists bench_rows (id text primary key, a text not null, b bigint not null)`.execute(store.db);
  await sql`delete from bench_rows`.execute(store.db);
  const row = (id: string) => ({ id, a: 'x'.repeat(200), b: Date.now() });
  const ins = (tx: typeof store.db, id: string) => sql`insert into bench_rows (id, a, b) values (${id}, ${row(id).a}, ${row(id).b}) ${unreadCount}`.execute(tx);
  return closedLoop(clients, OPS, async (i) => {
    await store.transaction(async (tx) => {
      for (let k = 0; k < 5; k++) await ins(tx, `c${i}-${k}`);
    });
    await store.transaction(async (tx) => {
      await sql`update bench_rows set b = b + 1 where id = ${`c${i}-0`} ${unreadCount}`.execute(tx);
      for (let k = 5; k < 8; k++) await ins(tx, `c${i}-${k}`);
    });
  });
}

/** 20 endpoints that never answer, 8 notifications queued for each, then 200 to a fast one: commit → arrival. */
async function headOfLine(deps: ServiceDeps, integ: Parameters<typeof createPayment>[1]['integration']): Promise<{ p50: number; p99: number; n: number }> {
  const sockets = new Set<Socket>();
  const silent = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const server = createTcpServer((s) => {
        sockets.add(s);
        s.on('error', () => {});
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` };
    }),
  );
  const arrived = new Map<string, number>();
  const fast = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrived.set(JSON.parse(Buffer.concat(chunks).toString('utf8')).payment.id, performance.now());
      res.end();
    });
  });
  await new Promise<void>((r) => fast.listen(0, '127.0.0.1', r));
  const fastUrl = `http://127.0.0.1:${(fast.address() as { port: number }).port}/hook`;
  const create = (notifyUrl: string) => createPayment(deps, { integration: integ, mode: 'test', dialect: 'tollgate', amountMinor: 100, currency: 'USD', reference: 'hol', validForMs: 3_600_000, notifyUrl });
  for (const s of silent) for (let k = 0; k < 8; k++) await create(s.url);
  const http = createHttpSender({ allowPrivate: true });
  const worker = createWorker({ deps, http, log: pino({ level: 'silent' }), mailTransport: undefined });
  worker.start();
  await new Promise((r) => setTimeout(r, 500));
  const committed = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const { payment } = await create(fastUrl);
    committed.set(payment!.id, performance.now());
  }
  const deadline = performance.now() + 20_000;
  while (arrived.size < committed.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // Not arrived within 20 s counts as 20 s.
  const latencies = [...committed].map(([id, at]) => (arrived.get(id) ?? at + 20_000) - at).sort((a, b) => a - b);
  for (const s of sockets) s.destroy();
  await worker.stop();
  await http.close();
  await Promise.all([...silent.map((s) => new Promise((r) => s.server.close(r))), new Promise((r) => fast.close(r))]);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length };
}

async function runOn(dbName: string, databaseUrl: string | undefined): Promise<Row[]> {
  const dataDir = tempDir('tollgate-bench-');
  const store = openStore({ dataDir, databaseUrl, poolSize: 64, groupCommit: GROUP_COMMIT });
  await migrateToLatest(store);
  const keyring = createKeyring(Buffer.alloc(32, 7));
  const log = pino({ level: 'silent' });
  const deps: ServiceDeps = { store, keyring, authCache: new AuthCache(systemClock), clock: systemClock, ids: randomIds, log, publicUrl: 'http://127.0.0.1:1', formatters: wireFormatters() };
  const rx = await receiver();
  const { merchant } = await registerMerchant(deps, { email: `bench-${dbName}@example.test`, password: 'benchmark password', companyName: 'Bench' }, { verified: true });
  const { integration } = await createIntegration(deps, merchant.id, { name: 'bench', notificationUrl: rx.url }, { kind: 'system', id: null });
  const full = (await import('../src/store/repos/integrations.js')).findIntegration;
  const integ = (await full(store.db, merchant.id, integration.id))!;
  const http = createHttpSender({ allowPrivate: true });
  const worker = createWorker({ deps, http, log, mailTransport: undefined, idleMs: 20, batch: 64 });
  const rows: Row[] = [];
  for (const clients of CLIENTS) {
    say(`${dbName}: ${clients} client(s): ceiling (bare transactions, ${OPS} × 2)…`);
    const bare = await ceiling(store, clients);
    say(`${dbName}: ${clients} client(s): ${OPS} payments created and paid, notifications on…`);
    const before = rx.count();
    worker.start();
    const t0 = performance.now();
    const core = await closedLoop(clients, OPS, async () => {
      const { payment } = await createPayment(deps, { integration: integ, mode: 'test', dialect: 'tollgate', amountMinor: 1234, currency: 'USD', reference: 'bench', validForMs: 3_600_000 });
      await transitionPayment(deps, payment!.id, { to: 'paid', reason: 'bench' });
    });
    const expected = before + OPS * 2;
    while (rx.count() < expected) await new Promise((r) => setTimeout(r, 20));
    const deliverSeconds = (performance.now() - t0) / 1000;
    await worker.stop();
    rows.push({ db: dbName, clients, core, ceiling: bare, delivered: OPS * 2, deliveredPerSecond: (OPS * 2) / deliverSeconds });
    say(`  ${fmt(core.perSecond)} payments/s (p50 ${fmt(core.p50)} ms, p99 ${fmt(core.p99)} ms); ceiling ${fmt(bare.perSecond)}/s; ${fmt((OPS * 2) / deliverSeconds)} notifications/s`);
  }
  await http.close();
  if (process.env.BENCH_HOL !== '0') {
    say(`${dbName}: head-of-line: 20 silent endpoints, 200 notifications to a fast one…`);
    const hol = await headOfLine(deps, integ);
    holRows.push({ db: dbName, ...hol });
    say(`  commit → arrival p50 ${fmt(hol.p50)} ms, p99 ${fmt(hol.p99)} ms`);
  }
  await rx.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rows;
}

const holRows: Array<{ db: string; p50: number; p99: number; n: number }> = [];
const results = await onEachDatabase(runOn);

console.log(`\nbench:core — ${OPS} payments per run (create, then paid; 2 notifications each)${GROUP_COMMIT ? '' : ', group commit off'} on ${machine()}\n`);
console.log('| database | clients | payments/s | p50 ms | p99 ms | notifications/s | ceiling (bare txn pairs/s) | % of ceiling |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.db} | ${r.clients} | ${fmt(r.core.perSecond)} | ${fmt(r.core.p50, 2)} | ${fmt(r.core.p99, 2)} | ${fmt(r.deliveredPerSecond)} | ${fmt(r.ceiling.perSecond)} | ${fmt((100 * r.core.perSecond) / r.ceiling.perSecond, 0)} % |`);
}

if (holRows.length > 0) {
  console.log('\nHead-of-line: while 20 endpoints accept connections and never answer (8 notifications queued for each), notifications to a fast endpoint, commit → arrival:\n');
  console.log('| database | notifications | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  for (const h of holRows) console.log(`| ${h.db} | ${h.n} | ${fmt(h.p50)} | ${fmt(h.p99)} |`);
}
