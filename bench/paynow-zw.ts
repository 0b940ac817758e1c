/**
 * npm run bench:paynow-zw — Paynow Zimbabwe over real HTTP against a `tollgate serve` process:
 * initiations (hash computed by the client, as an SDK does) and polls of the poll URLs they returned,
 * at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 initiations, and 4× as many polls), BENCH_DBS=sqlite,postgres.
 */
import { createHash } from 'node:crypto';
import { runWireBenchmark } from './wire.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function signedForm(pairs: Array<[string, string]>, key: string): string {
  const hash = createHash('sha512').update(pairs.map(([, v]) => v).join('') + key).digest('hex').toUpperCase();
  return [...pairs, ['hash', hash] as [string, string]].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

await runWireBenchmark({
  title: `bench:paynow-zw — ${OPS} initiations and ${OPS * 4} polls per run over HTTP`,
  labels: { write: 'initiations', read: 'polls' },
  ops: OPS,
  async write(client, server, i, clients) {
    const { integrationId, integrationKey } = server.credentials.paynowZw;
    const body = signedForm(
      [
        ['resulturl', 'http://127.0.0.1:9/result'],
        ['returnurl', 'http://127.0.0.1:9/return'],
        ['reference', `B-${clients}-${i}`],
        ['amount', '10.50'],
        ['id', String(integrationId)],
        ['additionalinfo', 'Bench'],
        ['authemail', server.email],
        ['status', 'Message'],
      ],
      integrationKey,
    );
    const { body: text } = await client.request('POST', '/interface/initiatetransaction', FORM, body);
    const poll = /pollurl=([^&]+)/.exec(text)?.[1];
    if (!text.startsWith('status=Ok') || !poll) throw new Error(`initiate failed: ${text}`);
    const url = new URL(decodeURIComponent(poll));
    return url.pathname + url.search;
  },
  async read(client, _server, pollPath) {
    const { body: text } = await client.request('POST', pollPath, FORM);
    if (!text.startsWith('reference=')) throw new Error(`poll failed: ${text}`);
  },
});
