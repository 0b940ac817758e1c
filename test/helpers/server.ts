/**
 * Starts the real gateway (the same serve() the CLI runs) on 127.0.0.1:0 with a fresh database,
 * and gives a test what it needs to talk to it and to look at what it stored.
 */
import { isRecurringJob } from '../../src/services/jobs.js';
import { accountBalances } from '../../src/store/repos/ledger.js';
import pino, { type Logger } from 'pino';
import type { App } from '../../src/app.js';
import { type ConfigInput, loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { serve } from '../../src/main.js';
import type { Store } from '../../src/store/database.js';
import { type DbKind, freshDatabase } from './dbs.js';

export interface TestServer {
  url: string;
  app: App;
  store: Store;
  clock: ManualClock;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Lines serve() printed (the start-up banner). */
  lines: string[];
  stop(): Promise<void>;
}

export interface TestServerOptions {
  demo?: boolean;
  log?: Logger;
  /** Start the clock at real time (default) or at a fixed instant. */
  clockStart?: number;
  /** Run the background worker (deliveries, timers); off by default so tests drain it by hand. */
  worker?: boolean;
  allowPrivateCallbacks?: boolean;
  /**
   * Per-address login throttling: raised out of the way by default (every test logs in from
   * 127.0.0.1); 'default' keeps the documented numbers, or give your own.
   */
  loginThrottle?: 'default' | { max: number; windowSeconds: number };
  /** The bearer token /metrics asks for; closed without one. */
  metricsToken?: string;
  /** Serve another server's database (a second node) instead of a fresh one. */
  database?: { dataDir: string; databaseUrl: string | undefined };
  /** Any other configuration, as flags (the request log's bounds, …). */
  config?: Partial<ConfigInput>;
}

function throttleConfig(throttle: TestServerOptions['loginThrottle']) {
  if (throttle === 'default') return {};
  const { max, windowSeconds } = throttle ?? { max: 1_000_000, windowSeconds: 60 };
  return { loginRateLimit: max, loginRateWindow: windowSeconds };
}

export async function startTestServer(kind: DbKind, options: TestServerOptions = {}): Promise<TestServer> {
  const { dataDir, databaseUrl } = options.database ?? (await freshDatabase(kind));
  const config = loadConfig({}, { dataDir, databaseUrl, port: 0, demo: options.demo ?? false, logLevel: 'silent', worker: options.worker ?? false, allowPrivateCallbacks: options.allowPrivateCallbacks ?? true, ...throttleConfig(options.loginThrottle), metricsToken: options.metricsToken, ...options.config });
  const clock = new ManualClock(options.clockStart ?? Date.now());
  const lines: string[] = [];
  const running = await serve(config, (l) => lines.push(l), { handleSignals: false, clock, log: options.log ?? pino({ level: 'silent' }), rerunUnits: true });
  return {
    url: running.url,
    app: running.app,
    store: running.app.deps.store,
    clock,
    dataDir,
    databaseUrl,
    lines,
    stop: () => running.stop(),
  };
}

const TABLES = ['meta', 'merchants', 'operators', 'sessions', 'api_tokens', 'integrations', 'credentials', 'audit_log', 'mail_outbox', 'payments', 'payment_events', 'jobs', 'deliveries', 'delivery_attempts', 'idempotency_keys', 'refunds', 'fictitious_customers', 'sandbox_clocks', 'request_log_batches', 'payouts', 'disbursements', 'ledger_accounts', 'ledger_account_deltas', 'ledger_transactions', 'ledger_postings'] as const;

/**
 * Every row of every table but `except`, as text: equal snapshots mean the request changed nothing
 * (in the tables that matter: the test-mode request log records refused requests too).
 */

export async function snapshot(store: Store, except: readonly (typeof TABLES)[number][] = []): Promise<string> {
  const parts: string[] = [];
  // Balances as the store reads them (total plus credits not folded in yet): when the fold job runs is not a change.
  const balances = new Map((await accountBalances(store.db)).map((a) => [a.id, a.balanceMinor]));
  for (const table of TABLES) {
    if (except.includes(table) || table === 'ledger_account_deltas') continue;
    let rows: Record<string, unknown>[] = await store.db.selectFrom(table).selectAll().execute();
    // The gateway's recurring jobs move on their own schedule, not because of what a test sent.
    if (table === 'jobs') rows = rows.filter((r) => !isRecurringJob(String(r.id)));
    if (table === 'ledger_accounts') rows = rows.map((r) => ({ ...r, balance_minor: balances.get(String(r.id)) }));
    const text = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
    parts.push(`${table}:${text.join('\n')}`);
  }
  return parts.join('\n\n');
}
