/**
 * What the three dialect benchmarks share: a `tollgate serve` process per database, and for 1 and 64
 * clients a write phase (each write hands back the key its read needs) then a read phase 4× as long
 * over those keys, printed as one table.
 */
import { HttpClient } from './http-client.js';
import { closedLoop, onEachDatabase, type PhaseRow, printPhases, say, sayPhases } from './lib.js';
import { type BenchServer, startBenchServer } from './server.js';

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
      say(`${db}: ${clients} client(s): ${b.ops} ${b.labels.write}…`);
      const write = await closedLoop(clients, b.ops, async (i) => {
        keys.push(await b.write(client, server, i, clients));
      });
      say(`${db}: ${clients} client(s): ${b.ops * 4} ${b.labels.read}…`);
      const read = await closedLoop(clients, b.ops * 4, (i) => b.read(client, server, keys[i % keys.length] as string));
      client.close();
      sayPhases(b.labels, write, read);
      out.push({ db, clients, write, read });
    }
    await server.stop();
    return out;
  });
  printPhases(b.title, b.labels, rows);
}
