/**
 * npm run bench:paynow-pl — Paynow.pl v3 over real HTTP against a `tollgate serve` process: signed
 * payment creates and status reads, at 1 and 64 concurrent clients, on SQLite and PostgreSQL.
 *
 * Options: BENCH_OPS (default 2000 creates, and 4× as many status reads), BENCH_DBS=sqlite,postgres.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { closedLoop, onEachDatabase, type PhaseRow, printPhases, say, sayPhases } from './lib.js';
import { startBenchServer } from './server.js';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const LABELS = { write: 'creates', read: 'status reads' };

function sign(key: string, apiKey: string, idem: string, body: string): string {
  return createHmac('sha256', key).update(JSON.stringify({ headers: { 'Api-Key': apiKey, 'Idempotency-Key': idem }, parameters: {}, body })).digest('base64');
}

async function runOn(db: string, databaseUrl: string | undefined): Promise<PhaseRow[]> {
  say(`${db}: starting tollgate serve…`);
  const server = await startBenchServer(databaseUrl);
  const { apiKey, signatureKey } = server.credentials.paynowPl.sandbox;
  const rows: PhaseRow[] = [];
  for (const clients of [1, 64]) {
    const agent = new Agent({ connections: clients });
    const ids: string[] = [];
    say(`${db}: ${clients} client(s): ${OPS} creates…`);
    const create = await closedLoop(clients, OPS, async (i) => {
      const body = JSON.stringify({ amount: 4567, externalId: `b-${clients}-${i}`, description: 'Bench', buyer: { email: 'jan@example.pl' } });
      const idem = randomUUID();
      const res = await request(`${server.url}/v3/payments`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'api-key': apiKey, 'idempotency-key': idem, signature: sign(signatureKey, apiKey, idem, body) },
        dispatcher: agent,
      });
      const json = (await res.body.json()) as { paymentId?: string };
      if (res.statusCode !== 201 || !json.paymentId) throw new Error(`create failed: ${res.statusCode}`);
      ids.push(json.paymentId);
    });
    say(`${db}: ${clients} client(s): ${OPS * 4} status reads…`);
    const status = await closedLoop(clients, OPS * 4, async (i) => {
      const id = ids[i % ids.length] as string;
      const idem = `status-${id}`;
      const res = await request(`${server.url}/v3/payments/${id}/status`, { headers: { 'api-key': apiKey, 'idempotency-key': idem, signature: sign(signatureKey, apiKey, idem, '') }, dispatcher: agent });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status failed: ${res.statusCode}`);
    });
    await agent.close();
    sayPhases(LABELS, create, status);
    rows.push({ db, clients, write: create, read: status });
  }
  await server.stop();
  return rows;
}

printPhases(`bench:paynow-pl — ${OPS} signed creates and ${OPS * 4} status reads per run over HTTP`, LABELS, await onEachDatabase(runOn));
