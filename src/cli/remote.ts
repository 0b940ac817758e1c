import type { Command } from 'commander';
import { TollgateError } from '../core/errors.js';
import { type CliIo, type GlobalOptions, globalOptions } from './context.js';
import { type Profile, readProfiles } from './profiles.js';

/** Options of every command that talks to a gateway through the management API. */
export interface RemoteOptions extends GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  integration?: string;
}

/** Adds --url, --token and --profile to a command that talks to a gateway. */
export function remoteCommand(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the gateway (env TOLLGATE_URL, else the profile)')
    .option('--token <token>', 'an API token, tg_… (env TOLLGATE_TOKEN, else the profile)')
    .option('--profile <name>', 'a profile saved by tollgate login (env TOLLGATE_PROFILE, default "default")');
}

/** A management API refusal, carrying its problem+json. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(message);
  }
}

/**
 * The management API over HTTP with a bearer token: JSON in, JSON out, a problem+json turned into one
 * line. Flags win over the environment, which wins over the saved profile.
 */
export class RemoteClient {
  constructor(
    readonly url: string,
    readonly token: string,
    readonly profile: Profile | undefined,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.fetch(method, path, body, headers);
    const text = await res.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (!res.ok) {
      const detail = (parsed as { detail?: unknown } | undefined)?.detail;
      throw new RemoteError(typeof detail === 'string' ? detail : `${method} ${path} answered HTTP ${res.status}`, res.status, parsed);
    }
    return parsed as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** The raw response (for streams); a network failure becomes one clear line. */
  async fetch(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const h: Record<string, string> = { authorization: `Bearer ${this.token}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    try {
      return await fetch(`${this.url}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual', signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new TollgateError('validation', `cannot reach ${this.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
  }

  /**
   * The integration a command acts on: --integration, TOLLGATE_INTEGRATION, the profile's, or the
   * merchant's only integration.
   */
  async integrationId(given: string | undefined, env: Record<string, string | undefined>): Promise<string> {
    const chosen = given ?? (env.TOLLGATE_INTEGRATION || this.profile?.integration);
    if (chosen) return chosen;
    const list = listOf<{ id: string }>(await this.get('/api/integrations'));
    if (list.length === 1) return (list[0] as { id: string }).id;
    throw new TollgateError('validation', list.length === 0 ? 'this merchant has no integration yet' : `this merchant has ${list.length} integrations: choose one with --integration`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The items of a list answer: `{data: [...]}` (the API's convention) or an older `{<name>: [...]}`
 * (the first array property).
 */
export function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (Array.isArray(b.data)) return b.data as T[];
    for (const v of Object.values(b)) if (Array.isArray(v)) return v as T[];
  }
  return [];
}

export function nextCursorOf(body: unknown): string | null {
  const c = (body as { nextCursor?: unknown } | undefined)?.nextCursor;
  return typeof c === 'string' ? c : null;
}

/** The client a command's options, the environment and the saved profiles point to. */
export function remoteClient(io: CliIo, opts: RemoteOptions): RemoteClient {
  const name = opts.profile ?? (io.env.TOLLGATE_PROFILE || 'default');
  const profiles = readProfiles(io.env);
  const profile = profiles[name];
  if (opts.profile !== undefined && !profile) throw new TollgateError('validation', `no profile "${name}": save one with tollgate login --url URL --token TOKEN --profile ${name}`);
  // An empty variable counts as unset, as in a CI job's template.
  const url = opts.url ?? (io.env.TOLLGATE_URL || profile?.url);
  const token = opts.token ?? (io.env.TOLLGATE_TOKEN || profile?.token);
  if (!url || !token) throw new TollgateError('validation', 'say which gateway: --url and --token (or TOLLGATE_URL and TOLLGATE_TOKEN), or tollgate login first');
  return new RemoteClient(normaliseUrl(url), token, profile);
}

export function normaliseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TollgateError('validation', `--url must be an http(s) URL, not "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TollgateError('validation', `--url must be an http(s) URL, not "${url}"`);
  return u.toString().replace(/\/+$/, '');
}

export function remoteOptions(cmd: Command): RemoteOptions {
  return globalOptions(cmd) as RemoteOptions;
}
