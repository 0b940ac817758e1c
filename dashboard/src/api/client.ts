/**
 * The one way the dashboard talks to the gateway: openapi-fetch over the types generated from /docs/json
 * (schema.d.ts, by scripts/gen-api-types.ts). Same origin, so the session cookie rides along; every write
 * carries the CSRF token the login returned. A problem+json answer becomes an ApiError a page can show.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

const CSRF_KEY = 'tollgate.csrf';

export function setCsrfToken(token: string | null): void {
  if (token === null) localStorage.removeItem(CSRF_KEY);
  else localStorage.setItem(CSRF_KEY, token);
}

/** The session's CSRF token: kept from the login, or asked for again (another tab, a cleared storage). */
async function csrfToken(): Promise<string | null> {
  const kept = localStorage.getItem(CSRF_KEY);
  if (kept) return kept;
  const r = await fetch('/api/auth/session', { credentials: 'same-origin' }).catch(() => null);
  const token = r?.ok ? ((await r.json()) as { csrfToken?: string }).csrfToken : undefined;
  if (token) localStorage.setItem(CSRF_KEY, token);
  return token ?? null;
}

const csrf: Middleware = {
  async onRequest({ request }) {
    const write = request.method !== 'GET' && request.method !== 'HEAD' && !request.url.endsWith('/api/auth/login');
    const token = write ? await csrfToken() : null;
    if (token) request.headers.set('x-csrf-token', token);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(csrf);

/** A problem+json answer: `detail` says what to do next; `fieldErrors` are its `issues`, one per invalid field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code: string | undefined,
    readonly fieldErrors: { path: string; message: string }[],
  ) {
    super(detail || title);
  }

  /** The message of one field (`account.phone`), for showing next to it. */
  fieldError(path: string): string | undefined {
    return this.fieldErrors.find((f) => f.path === path)?.message;
  }
}

type Problem = Partial<components['schemas']['Problem']>;

/** The data of an answer, or its problem thrown as an ApiError (a network failure says to retry). */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(call: Promise<R>): Promise<NonNullable<R['data']>> {
  let r: R;
  try {
    r = await call;
  } catch {
    throw new ApiError(0, 'Network error', 'The gateway did not answer. Check your connection and try again.', 'network', []);
  }
  if (r.response.ok) return r.data as NonNullable<R['data']>;
  const p = (r.error ?? {}) as Problem;
  throw new ApiError(r.response.status, p.title ?? r.response.statusText, p.detail ?? `The gateway answered ${r.response.status}.`, p.code, p.issues ?? []);
}

/** What a person should read for an error, with the next step when the status implies one. */
export function errorText(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const fields = e.fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ');
  const next = e.status === 401 ? ' Log in again.' : e.status === 403 && e.code === 'csrf' ? ' Your session is from another tab: log out and in again.' : '';
  return `${e.detail}${fields && !e.detail.includes(fields) ? ` (${fields})` : ''}${next}`;
}
