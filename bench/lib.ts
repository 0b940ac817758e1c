/** Shared pieces of the benchmarks: latency percentiles, a closed-loop load driver, and printing. */
import os from 'node:os';

export interface RunStats {
  ops: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

/** Runs `op` from `clients` concurrent loops until `total` operations are done; measures each call. */
export async function closedLoop(clients: number, total: number, op: (i: number) => Promise<void>): Promise<RunStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: total, seconds, perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs a benchmark on each database BENCH_DBS names: SQLite, then a throwaway PostgreSQL cluster. */
export async function onEachDatabase<R>(run: (db: string, databaseUrl: string | undefined) => Promise<R[]>): Promise<R[]> {
  const dbs = (process.env.BENCH_DBS ?? 'sqlite,postgres').split(',');
  const rows: R[] = [];
  if (dbs.includes('sqlite')) rows.push(...(await run('SQLite', undefined)));
  if (dbs.includes('postgres')) {
    say('starting a throwaway PostgreSQL cluster…');
    const { startCluster } = await import('../test/helpers/postgres.js');
    const cluster = await startCluster();
    try {
      rows.push(...(await run('PostgreSQL', process.env.BENCH_PG_TCP ? cluster.url : cluster.socketUrl)));
    } finally {
      cluster.stop();
    }
  }
  return rows;
}

/** A write phase and a read phase per database and client count, as a Markdown table. */
export interface PhaseRow {
  db: string;
  clients: number;
  write: RunStats;
  read: RunStats;
  /** The same run's bare Node HTTP server rate with the same client (64 clients only). */
  bare?: number | undefined;
}

export function printPhases(title: string, labels: { write: string; read: string }, rows: PhaseRow[]): void {
  console.log(`\n${title} on ${machine()}\n`);
  console.log(`| database | clients | ${labels.write}/s | p50 ms | p99 ms | ${labels.read}/s | p50 ms | p99 ms | bare HTTP/s, same run |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const bare = r.bare === undefined ? '' : fmt(r.bare, 0);
    console.log(`| ${r.db} | ${r.clients} | ${fmt(r.write.perSecond)} | ${fmt(r.write.p50, 2)} | ${fmt(r.write.p99, 2)} | ${fmt(r.read.perSecond)} | ${fmt(r.read.p50, 2)} | ${fmt(r.read.p99, 2)} | ${bare} |`);
  }
}

export function sayPhases(labels: { write: string; read: string }, write: RunStats, read: RunStats): void {
  say(`  ${labels.write} ${fmt(write.perSecond)}/s (p50 ${fmt(write.p50, 2)} ms, p99 ${fmt(write.p99, 2)} ms); ${labels.read} ${fmt(read.perSecond)}/s (p50 ${fmt(read.p50, 2)} ms, p99 ${fmt(read.p99, 2)} ms)`);
}
