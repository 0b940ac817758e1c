/**
 * npm run bench:paydunya — PayDunya over real HTTP against a `tollgate serve` process: checkout-invoice
 * creates and confirms, at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 creates, and 4× as many confirms), BENCH_DBS=sqlite,postgres.
 */
import type { BenchServer } from './server.js';
import { runWireBenchmark } from './wire.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);

/** Built once per server: this runs for every request the load generator sends. */
const headersByServer = new WeakMap<BenchServer, Record<string, string>>();
function headersOf(server: BenchServer): Record<string, string> {
  let headers = headersByServer.get(server);
  if (!headers) {
    const k = server.credentials.paydunya;
    headers = { 'content-type': 'application/json', 'paydunya-master-key': k.masterKey, 'paydunya-private-key': k.test.privateKey, 'paydunya-token': k.test.token };
    headersByServer.set(server, headers);
  }
  return headers;
}

await runWireBenchmark({
  title: `bench:paydunya — ${OPS} invoice creates and ${OPS * 4} confirms per run over HTTP`,
  labels: { write: 'creates', read: 'confirms' },
  ops: OPS,
  async write(client, server, i) {
    const body = JSON.stringify({ invoice: { items: { item_0: { name: 'Jeu', quantity: 1, unit_price: 5000, total_price: 5000 } }, total_amount: 5000, description: `B-${i}` }, store: { name: 'Bench' } });
    const res = await client.request('POST', '/sandbox-api/v1/checkout-invoice/create', headersOf(server), body);
    const json = JSON.parse(res.body) as { response_code?: string; token?: string };
    if (json.response_code !== '00' || !json.token) throw new Error(`create failed: ${JSON.stringify(json)}`);
    return json.token;
  },
  async read(client, server, token) {
    const res = await client.request('GET', `/sandbox-api/v1/checkout-invoice/confirm/${token}`, headersOf(server));
    const json = JSON.parse(res.body) as { response_code?: string };
    if (json.response_code !== '00') throw new Error('confirm failed');
  },
});
