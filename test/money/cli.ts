/** The CLI on a fresh SQLite data directory, with what it printed; no TOLLGATE_ variables leak in. */
import { runCli } from '../../src/cli/program.js';
import { freshDatabase } from '../helpers/dbs.js';

export async function cliOnFreshDatabase(): Promise<{ cli: (...args: string[]) => Promise<number>; out: string[]; err: string[]; dataDir: string }> {
  const { dataDir } = await freshDatabase('sqlite');
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '', env };
  // Each run starts with an empty out, so a test reads only what the last command printed.
  const cli = (...args: string[]) => {
    out.length = 0;
    return runCli([...args, '--data-dir', dataDir], io);
  };
  return { cli, out, err, dataDir };
}
