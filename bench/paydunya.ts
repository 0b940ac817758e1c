/**
 * npm run bench:paydunya — PayDunya over real HTTP against a `tollgate serve` process: checkout-invoice
 * creates and confirms, at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 creates, and 4× as many confirms), BENCH_DBS=sqlite,postgres.
 */
import { Agent, request } from 'undici';
import { startCluster } from '../test/helpers/postgres.js';
import { closedLoop, fmt, machine, type RunStats, say } from './lib.js';
import { startBenchServer } from './server.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const DBS = (process.env.BENCH_DBS ?? 'sqlite,postgres').split(',');

interface Row {
  db: string;
  clients: number;
  create: RunStats;
  confirm: RunStats;
}

async function runOn(db: string, databaseUrl: string | undefined): Promise<Row[]> {
  say(`${db}: starting tollgate serve…`);
  const server = await startBenchServer(databaseUrl);
  const k = server.credentials.paydunya;
  const headers = { 'content-type': 'application/json', 'paydunya-master-key': k.masterKey, 'paydunya-private-key': k.test.privateKey, 'paydunya-token': k.test.token };
  const rows: Row[] = [];
  for (const clients of [1, 64]) {
    const agent = new Agent({ connections: clients });
    const tokens: string[] = [];
    say(`${db}: ${clients} client(s): ${OPS} invoice creates…`);
    const create = await closedLoop(clients, OPS, async (i) => {
      const body = JSON.stringify({ invoice: { items: { item_0: { name: 'Jeu', quantity: 1, unit_price: 5000, total_price: 5000 } }, total_amount: 5000, description: `B-${i}` }, store: { name: 'Bench' } });
      const res = await request(`${server.url}/sandbox-api/v1/checkout-invoice/create`, { method: 'POST', body, headers, dispatcher: agent });
      const json = (await res.body.json()) as { response_code?: string; token?: string };
      if (json.response_code !== '00' || !json.token) throw new Error(`create failed: ${JSON.stringify(json)}`);
      tokens.push(json.token);
    });
    say(`${db}: ${clients} client(s): ${OPS * 4} confirms…`);
    const confirm = await closedLoop(clients, OPS * 4, async (i) => {
      const res = await request(`${server.url}/sandbox-api/v1/checkout-invoice/confirm/${tokens[i % tokens.length]}`, { headers, dispatcher: agent });
      const json = (await res.body.json()) as { response_code?: string };
      if (json.response_code !== '00') throw new Error('confirm failed');
    });
    await agent.close();
    say(`  creates ${fmt(create.perSecond)}/s (p50 ${fmt(create.p50, 2)} ms, p99 ${fmt(create.p99, 2)} ms); confirms ${fmt(confirm.perSecond)}/s (p50 ${fmt(confirm.p50, 2)} ms, p99 ${fmt(confirm.p99, 2)} ms)`);
    rows.push({ db, clients, create, confirm });
  }
  await server.stop();
  return rows;
}

const rows: Row[] = [];
if (DBS.includes('sqlite')) rows.push(...(await runOn('SQLite', undefined)));
if (DBS.includes('postgres')) {
  say('starting a throwaway PostgreSQL cluster…');
  const cluster = await startCluster();
  try {
    rows.push(...(await runOn('PostgreSQL', cluster.url)));
  } finally {
    cluster.stop();
  }
}
console.log(`\nbench:paydunya — ${OPS} invoice creates and ${OPS * 4} confirms per run over HTTP on ${machine()}\n`);
console.log('| database | clients | creates/s | p50 ms | p99 ms | confirms/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.db} | ${r.clients} | ${fmt(r.create.perSecond)} | ${fmt(r.create.p50, 2)} | ${fmt(r.create.p99, 2)} | ${fmt(r.confirm.perSecond)} | ${fmt(r.confirm.p50, 2)} | ${fmt(r.confirm.p99, 2)} |`);
