/**
 * npm run bench:paynow-zw — Paynow Zimbabwe over real HTTP against a `tollgate serve` process:
 * initiations (hash computed by the client, as an SDK does) and polls of the poll URLs they returned,
 * at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 initiations, and 4× as many polls), BENCH_DBS=sqlite,postgres.
 */
import { createHash } from 'node:crypto';
import { HttpClient } from './http-client.js';
import { closedLoop, onEachDatabase, type PhaseRow, printPhases, say, sayPhases } from './lib.js';
import { startBenchServer } from './server.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const LABELS = { write: 'initiations', read: 'polls' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function signedForm(pairs: Array<[string, string]>, key: string): string {
  const hash = createHash('sha512').update(pairs.map(([, v]) => v).join('') + key).digest('hex').toUpperCase();
  return [...pairs, ['hash', hash] as [string, string]].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

async function runOn(db: string, databaseUrl: string | undefined): Promise<PhaseRow[]> {
  say(`${db}: starting tollgate serve…`);
  const server = await startBenchServer(databaseUrl);
  const { integrationId, integrationKey } = server.credentials.paynowZw;
  const rows: PhaseRow[] = [];
  for (const clients of [1, 64]) {
    const client = new HttpClient(server.url, clients);
    const pollUrls: string[] = [];
    say(`${db}: ${clients} client(s): ${OPS} initiations…`);
    const initiate = await closedLoop(clients, OPS, async (i) => {
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
      pollUrls.push(url.pathname + url.search);
    });
    say(`${db}: ${clients} client(s): ${OPS * 4} polls…`);
    const poll = await closedLoop(clients, OPS * 4, async (i) => {
      const { body: text } = await client.request('POST', pollUrls[i % pollUrls.length] as string, FORM);
      if (!text.startsWith('reference=')) throw new Error(`poll failed: ${text}`);
    });
    client.close();
    sayPhases(LABELS, initiate, poll);
    rows.push({ db, clients, write: initiate, read: poll });
  }
  await server.stop();
  return rows;
}

printPhases(`bench:paynow-zw — ${OPS} initiations and ${OPS * 4} polls per run over HTTP`, LABELS, await onEachDatabase(runOn));
