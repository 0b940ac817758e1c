/**
 * npm run bench:paynow-pl — Paynow.pl v3 over real HTTP against a `tollgate serve` process: signed
 * payment creates and status reads, at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 creates, and 4× as many status reads), BENCH_DBS=sqlite,postgres.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { runWireBenchmark } from './wire.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);

function sign(key: string, apiKey: string, idem: string, body: string): string {
  return createHmac('sha256', key).update(JSON.stringify({ headers: { 'Api-Key': apiKey, 'Idempotency-Key': idem }, parameters: {}, body })).digest('base64');
}

await runWireBenchmark({
  title: `bench:paynow-pl — ${OPS} signed creates and ${OPS * 4} status reads per run over HTTP`,
  labels: { write: 'creates', read: 'status reads' },
  ops: OPS,
  async write(client, server, i, clients) {
    const { apiKey, signatureKey } = server.credentials.paynowPl.sandbox;
    const body = JSON.stringify({ amount: 4567, externalId: `b-${clients}-${i}`, description: 'Bench', buyer: { email: 'jan@example.pl' } });
    const idem = randomUUID();
    const res = await client.request('POST', '/v3/payments', { 'content-type': 'application/json', 'api-key': apiKey, 'idempotency-key': idem, signature: sign(signatureKey, apiKey, idem, body) }, body);
    const json = JSON.parse(res.body) as { paymentId?: string };
    if (res.status !== 201 || !json.paymentId) throw new Error(`create failed: ${res.status} ${res.body}`);
    return json.paymentId;
  },
  async read(client, server, id) {
    const { apiKey, signatureKey } = server.credentials.paynowPl.sandbox;
    const idem = `status-${id}`;
    const res = await client.request('GET', `/v3/payments/${id}/status`, { 'api-key': apiKey, 'idempotency-key': idem, signature: sign(signatureKey, apiKey, idem, '') });
    if (res.status !== 200 || !res.body.includes(id)) throw new Error(`status failed: ${res.status} ${res.body}`);
  },
});
