/**
 * `tollgate` as an operator runs it: a real child process started through bin/tollgate.js, watched
 * through its stdout, stderr, exit code and signals. A test file that uses it ends with `after(killAll)`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli as runCommand } from '../../src/cli/program.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/** Every process a test started and that has not ended yet; the file's `after` kills what is left. */
const live = new Set<Proc>();

/** The environment of the test run without anything that configures Tollgate, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
  return { ...env, ...extra };
}

export class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  exited: Exit | undefined;
  readonly exit: Promise<Exit>;
  private readonly started = Date.now();
  private readonly waiters = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
    this.child = spawn(process.execPath, ['bin/tollgate.js', ...args], { cwd: ROOT, env, stdio: 'pipe' });
    live.add(this);
    this.child.stdin.end();
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      this.poke();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.poke();
    });
    this.exit = new Promise((done) => {
      this.child.on('close', (code, signal) => {
        this.exited = { code, signal, ms: Date.now() - this.started };
        live.delete(this);
        this.poke();
        done(this.exited);
      });
    });
  }

  private poke(): void {
    for (const w of [...this.waiters]) w();
  }

  describe(): string {
    return `\n--- stdout:\n${this.stdout}\n--- stderr:\n${this.stderr}`;
  }

  /** Resolves once stdout matches; fails when the process exits, reports a fatal line, or takes too long. */
  waitFor(re: RegExp, ms = 45_000): Promise<RegExpMatchArray> {
    return new Promise((resolveMatch, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out after ${ms} ms waiting for ${re}${this.describe()}`)), ms);
      const finish = (err: Error | undefined, m?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolveMatch(m as RegExpMatchArray);
      };
      const check = () => {
        const m = this.stdout.match(re);
        if (m) finish(undefined, m);
        else if (/^tollgate: /m.test(this.stderr)) finish(new Error(`the process reported a failure while we waited for ${re}${this.describe()}`));
        else if (this.exited) finish(new Error(`the process exited (${JSON.stringify(this.exited)}) while we waited for ${re}${this.describe()}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The exit, or undefined if the process is still running after `ms`. */
  async exitWithin(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), ms);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The start-up banner: what serve printed for people, without the JSON log lines. */
  banner(): string {
    return this.stdout
      .split('\n')
      .filter((l) => !l.startsWith('{'))
      .join('\n');
  }

  /** The URL the banner says the gateway listens on. */
  listeningUrl(): string {
    const m = this.banner().match(/listening on (http:\/\/\S+)/);
    if (!m?.[1]) throw new Error(`no listening URL in the banner:\n${this.banner()}`);
    return m[1];
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Kills the process unless it has ended, and waits for the end. */
export async function stopNow(p: Proc): Promise<void> {
  p.kill();
  await p.exit;
}

export async function killAll(): Promise<void> {
  const running = [...live];
  for (const p of running) p.kill();
  await Promise.all(running.map((p) => p.exit));
}

export function dbArgs(dataDir: string, databaseUrl: string | undefined): string[] {
  return ['--data-dir', dataDir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
}

/** Starts `tollgate serve` and waits until its banner is complete. */
export async function startServe(args: string[], env?: NodeJS.ProcessEnv): Promise<Proc> {
  const p = new Proc(['serve', ...args], env);
  await p.waitFor(/^ {2}API docs .*\n/m);
  return p;
}

/** What a command printed and how it ended. */
export interface Finished {
  stdout: string;
  stderr: string;
  exited: Exit;
  describe(): string;
}

/** A CLI command run to its end as a child process: for what only the bin does (exit status, stdio). */
export async function runBin(args: string[], env?: NodeJS.ProcessEnv): Promise<Finished> {
  const p = new Proc(args, env);
  await p.exit;
  return p as Proc & { exited: Exit };
}

/**
 * A CLI command run to its end inside the test's process, through the same `runCli` the bin calls,
 * with `env` as its whole environment: Node's start-up per command would cost the suite minutes.
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), input = ''): Promise<Finished> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const code = await runCommand(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    readStdin: async () => input,
    env,
  });
  return {
    stdout,
    stderr,
    exited: { code, signal: null, ms: Date.now() - started },
    describe: () => `\n--- exit ${code}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`,
  };
}

