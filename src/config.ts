import { z } from 'zod';

/**
 * The whole configuration, parsed once. Flags win over environment variables, which win over defaults.
 * Only main.ts and the CLI call loadConfig; everything else receives the frozen result.
 */
const schema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce
      .number({ error: 'the port must be a number' })
      .int('the port must be a whole number')
      .min(0, 'the port must be between 0 and 65535')
      .max(65535, 'the port must be between 0 and 65535')
      .default(8080),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), 'the database URL must start with postgres:// or postgresql://')
      .optional(),
    publicUrl: z.url({ error: 'the public URL must be an absolute http(s) URL' }).optional(),
    demo: z.boolean().default(true),
    masterKey: z.string().optional(),
    smtpUrl: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    worker: z.boolean().default(true),
    processes: z.coerce
      .number({ error: 'the number of processes must be a number' })
      .int('the number of processes must be a whole number')
      .min(1, 'the number of processes must be between 1 and 64')
      .max(64, 'the number of processes must be between 1 and 64')
      .default(1),
    loginRateLimit: z.coerce
      .number({ error: 'the login rate limit must be a number' })
      .int('the login rate limit must be a whole number')
      .min(1, 'the login rate limit must be between 1 and 1000000')
      .max(1_000_000, 'the login rate limit must be between 1 and 1000000')
      .default(20),
    loginRateWindow: z.coerce
      .number({ error: 'the login rate window must be a number of seconds' })
      .int('the login rate window must be a whole number of seconds')
      .min(1, 'the login rate window must be between 1 and 86400 seconds')
      .max(86_400, 'the login rate window must be between 1 and 86400 seconds')
      .default(600),
    settlementDelaySeconds: z.coerce
      .number({ error: 'the settlement delay must be a number of seconds' })
      .int('the settlement delay must be a whole number of seconds')
      .min(0, 'the settlement delay must be between 0 and 2592000 seconds (30 days)')
      .max(2_592_000, 'the settlement delay must be between 0 and 2592000 seconds (30 days)')
      .default(0),
    requestLogMaxEntries: z.coerce.number().int().min(1, 'must be at least 1').max(1_000_000).default(1000),
    requestLogMaxAgeHours: z.coerce.number().positive('must be positive').max(24 * 366).default(168),
    requestLogFailedBodyBytes: z.coerce.number().int().min(0).max(65_536).default(2048),
    requestLogFailedPerMinute: z.coerce.number().int().min(0).max(1_000_000).default(60),
    allowPrivateCallbacks: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })])
      .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)))
      .optional(),
    metricsToken: z
      .string()
      .min(16, 'the metrics token must be at least 16 characters')
      .regex(/^[\x21-\x7e]+$/, 'the metrics token must be printable ASCII without spaces')
      .optional(),
  })
  .strict();

export type ConfigInput = z.input<typeof schema>;
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** The base for URLs handed to clients; without a trailing slash. */
  readonly publicUrl: string;
  readonly publicUrlExplicit: boolean;
  readonly demo: boolean;
  readonly masterKey: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly worker: boolean;
  /** How many serving processes `tollgate serve` runs on this machine, sharing its port. */
  readonly processes: number;
  /**
   * Whether notifications may go to loopback and private addresses. Default: yes on the embedded
   * SQLite database (a developer's localhost receiver works out of the box), no on PostgreSQL
   * (a production gateway must not reach its own network).
   */
  readonly allowPrivateCallbacks: boolean;
  /**
   * Login attempts one client address may make per window, on every login form together (management
   * API, checkout page, password change and reset requests). Counted per process. Default: 20 per 600 s.
   */
  readonly loginThrottle: { readonly max: number; readonly windowSeconds: number };
  /** The test-mode request log's bounds per integration: newest entries kept, their age. */
  readonly requestLogMaxEntries: number;
  readonly requestLogMaxAgeHours: number;
  /** Bytes kept of a request that failed its hash or signature check, and how many such are kept a minute (the rest counted). */
  readonly requestLogFailedBodyBytes: number;
  readonly requestLogFailedPerMinute: number;
  /**
   * How long a paid payment's money stays pending before it becomes available to refund and pay out.
   * Default 0 (at once): the sandbox and most tests expect it; a live operator sets e.g. 172800 (2 days).
   */
  readonly settlementDelaySeconds: number;
  /** The bearer token GET /metrics asks for; without one, /metrics is closed. */
  readonly metricsToken: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Which environment variable feeds which option. */
export const ENV_NAMES = {
  host: 'TOLLGATE_HOST',
  port: 'TOLLGATE_PORT',
  dataDir: 'TOLLGATE_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  publicUrl: 'TOLLGATE_PUBLIC_URL',
  masterKey: 'TOLLGATE_MASTER_KEY',
  smtpUrl: 'TOLLGATE_SMTP_URL',
  logLevel: 'TOLLGATE_LOG_LEVEL',
  processes: 'TOLLGATE_PROCESSES',
  allowPrivateCallbacks: 'TOLLGATE_ALLOW_PRIVATE_CALLBACKS',
  loginRateLimit: 'TOLLGATE_LOGIN_RATE_LIMIT',
  loginRateWindow: 'TOLLGATE_LOGIN_RATE_WINDOW',
  requestLogMaxEntries: 'TOLLGATE_REQUEST_LOG_MAX_ENTRIES',
  requestLogMaxAgeHours: 'TOLLGATE_REQUEST_LOG_MAX_AGE_HOURS',
  requestLogFailedBodyBytes: 'TOLLGATE_REQUEST_LOG_FAILED_BODY_BYTES',
  requestLogFailedPerMinute: 'TOLLGATE_REQUEST_LOG_FAILED_PER_MINUTE',
  metricsToken: 'TOLLGATE_METRICS_TOKEN',
  settlementDelaySeconds: 'TOLLGATE_SETTLEMENT_DELAY_SECONDS',
} as const satisfies Partial<Record<keyof ConfigInput, string>>;

export function loadConfig(env: Record<string, string | undefined>, flags: Partial<ConfigInput> = {}): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const merged: Record<string, unknown> = { ...fromEnv };
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const key = first?.path.join('.') ?? '';
    const name = key in ENV_NAMES ? `${key} (${ENV_NAMES[key as keyof typeof ENV_NAMES]})` : key;
    throw new ConfigError(`invalid configuration: ${name}: ${first?.message ?? 'invalid value'}`);
  }
  const c = parsed.data;
  const publicUrl = (c.publicUrl ?? `http://${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`).replace(
    /\/+$/,
    '',
  );
  return Object.freeze({
    host: c.host,
    port: c.port,
    dataDir: c.dataDir,
    databaseUrl: c.databaseUrl,
    publicUrl,
    publicUrlExplicit: c.publicUrl !== undefined,
    demo: c.demo,
    masterKey: c.masterKey,
    smtpUrl: c.smtpUrl,
    logLevel: c.logLevel,
    worker: c.worker,
    processes: c.processes,
    allowPrivateCallbacks: c.allowPrivateCallbacks ?? c.databaseUrl === undefined,
    loginThrottle: Object.freeze({ max: c.loginRateLimit, windowSeconds: c.loginRateWindow }),
    requestLogMaxEntries: c.requestLogMaxEntries,
    requestLogMaxAgeHours: c.requestLogMaxAgeHours,
    requestLogFailedBodyBytes: c.requestLogFailedBodyBytes,
    requestLogFailedPerMinute: c.requestLogFailedPerMinute,
    metricsToken: c.metricsToken,
    settlementDelaySeconds: c.settlementDelaySeconds,
  });
}

/** When the port was 0 the real one is known only after listening; the default public URL follows it. */
export function withListeningPort(config: Config, port: number): Config {
  if (config.publicUrlExplicit || config.port === port) return config;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return Object.freeze({ ...config, port, publicUrl: `http://${host}:${port}` });
}
