/**
 * What the three dialect benchmarks share: a `tollgate serve` process per database, and for 1 and 64
 * clients a write phase (each write hands back the key its read needs) then a read phase 4× as long
 * over those keys, printed as one table. Each phase follows an unmeasured warm-up at its concurrency. Beside each 64-client read phase, the same client against a
 * bare Node HTTP server: this box's speed drifts between runs, and that figure shows where it stood.
 */
import { HttpClient } from './http-client.js';
import { closedLoop, onEachDatabase, type PhaseRow, printPhases, say, sayPhases } from './lib.js';
import { type BenchServer, startBareServer, startBenchServer } from './server.js';

export interface WirePhases {
  title: string;
  labels: { write: string; read: string };
  ops: number;
  /** One write; returns the key a read of what it wrote needs. `clients` keeps references unique per run. */
  write(client: HttpClient, server: BenchServer, i: number, clients: number): Promise<string>;
  read(client: HttpClient, server: BenchServer, key: string): Promise<void>;
}

export async function runWireBenchmark(b: WirePhases): Promise<void> {
  const rows = await onEachDatabase(async (db, databaseUrl) => {
    say(`${db}: starting tollgate serve…`);
    const server = await startBenchServer(databaseUrl);
    const out: PhaseRow[] = [];
    for (const clients of [1, 64]) {
      const client = new HttpClient(server.url, clients);
      const keys: string[] = [];
      // Unmeasured, at the same concurrency: a gateway that has been serving has its pool's connections
      // open and its statements prepared on each; a fresh pool spends the first moments of a phase doing that.
      const warmUp = Math.ceil(b.ops / 4);
      say(`${db}: ${clients} client(s): warming up with ${warmUp} ${b.labels.write} and ${warmUp * 4} ${b.labels.read}…`);
      await closedLoop(clients, warmUp, async (i) => {
        keys.push(await b.write(client, server, b.ops + i, clients));
      });
      await closedLoop(clients, warmUp * 4, (i) => b.read(client, server, keys[i % keys.length] as string));
      say(`${db}: ${clients} client(s): ${b.ops} ${b.labels.write}…`);
      const write = await closedLoop(clients, b.ops, async (i) => {
        keys.push(await b.write(client, server, i, clients));
      });
      say(`${db}: ${clients} client(s): ${b.ops * 4} ${b.labels.read}…`);
      const read = await closedLoop(clients, b.ops * 4, (i) => b.read(client, server, keys[i % keys.length] as string));
      client.close();
      sayPhases(b.labels, write, read);
      out.push({ db, clients, write, read, bare: clients > 1 ? await bareReads(clients, b.ops * 4) : undefined });
    }
    await server.stop();
    return out;
  });
  printPhases(b.title, b.labels, rows);
}

/** Requests a second a bare Node HTTP server answers, with the same client, clients and count. */
async function bareReads(clients: number, total: number): Promise<number> {
  const bare = await startBareServer();
  const client = new HttpClient(bare.url, clients);
  const ask = async () => {
    const res = await client.request('GET', '/', {});
    if (res.status !== 200 || res.body !== 'status=Ok') throw new Error(`bare server answered ${res.status} ${res.body}`);
  };
  try {
    // Warmed up first, as the gateway is by its write phase: a fresh process runs unoptimised code.
    await closedLoop(clients, total, ask);
    const run = await closedLoop(clients, total, ask);
    say(`  bare Node HTTP server, same client: ${Math.round(run.perSecond)}/s`);
    return run.perSecond;
  } finally {
    client.close();
    await bare.stop();
  }
}
