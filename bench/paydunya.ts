/**
 * npm run bench:paydunya — PayDunya over real HTTP against a `tollgate serve` process: checkout-invoice
 * creates and confirms, at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 creates, and 4× as many confirms), BENCH_DBS=sqlite,postgres.
 */
import { HttpClient } from './http-client.js';
import { closedLoop, onEachDatabase, type PhaseRow, printPhases, say, sayPhases } from './lib.js';
import { startBenchServer } from './server.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const LABELS = { write: 'creates', read: 'confirms' };

async function runOn(db: string, databaseUrl: string | undefined): Promise<PhaseRow[]> {
  say(`${db}: starting tollgate serve…`);
  const server = await startBenchServer(databaseUrl);
  const k = server.credentials.paydunya;
  const headers = { 'content-type': 'application/json', 'paydunya-master-key': k.masterKey, 'paydunya-private-key': k.test.privateKey, 'paydunya-token': k.test.token };
  const rows: PhaseRow[] = [];
  for (const clients of [1, 64]) {
    const client = new HttpClient(server.url, clients);
    const tokens: string[] = [];
    say(`${db}: ${clients} client(s): ${OPS} invoice creates…`);
    const create = await closedLoop(clients, OPS, async (i) => {
      const body = JSON.stringify({ invoice: { items: { item_0: { name: 'Jeu', quantity: 1, unit_price: 5000, total_price: 5000 } }, total_amount: 5000, description: `B-${i}` }, store: { name: 'Bench' } });
      const res = await client.request('POST', '/sandbox-api/v1/checkout-invoice/create', headers, body);
      const json = JSON.parse(res.body) as { response_code?: string; token?: string };
      if (json.response_code !== '00' || !json.token) throw new Error(`create failed: ${JSON.stringify(json)}`);
      tokens.push(json.token);
    });
    say(`${db}: ${clients} client(s): ${OPS * 4} confirms…`);
    const confirm = await closedLoop(clients, OPS * 4, async (i) => {
      const res = await client.request('GET', `/sandbox-api/v1/checkout-invoice/confirm/${tokens[i % tokens.length]}`, headers);
      const json = JSON.parse(res.body) as { response_code?: string };
      if (json.response_code !== '00') throw new Error('confirm failed');
    });
    client.close();
    sayPhases(LABELS, create, confirm);
    rows.push({ db, clients, write: create, read: confirm });
  }
  await server.stop();
  return rows;
}

printPhases(`bench:paydunya — ${OPS} invoice creates and ${OPS * 4} confirms per run over HTTP`, LABELS, await onEachDatabase(runOn));
