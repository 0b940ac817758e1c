import type { MerchantId, OperatorId } from '../../core/ids.js';
import { randomToken, sha256Hex } from '../../core/crypto.js';
import { TollgateError } from '../../core/errors.js';
import { findMerchantByTokenHash, insertApiToken, listApiTokens, revokeApiToken, touchApiToken, type ApiToken } from '../../store/repos/api-tokens.js';
import { deleteSession, findLiveSession, insertSession } from '../../store/repos/sessions.js';
import type { ServiceDeps } from '../deps.js';

export const SESSION_MS = 12 * 60 * 60_000;
export const API_TOKEN_PREFIX = 'tg_';

/** Who a session or token speaks for. */
export type LoggedIn = { kind: 'merchant'; id: MerchantId } | { kind: 'operator'; id: OperatorId };

export type Principal = LoggedIn & {
  /** How the request proved itself: a session cookie needs a CSRF token on writes, a bearer token does not. */
  via: 'session' | 'token';
  csrfToken: string | null;
};

export async function openSession(
  deps: ServiceDeps,
  principal: LoggedIn,
): Promise<{ cookie: string; csrfToken: string; expiresAt: number }> {
  const cookie = randomToken(32);
  const csrfToken = randomToken(24);
  const now = deps.clock.now();
  const expiresAt = now + SESSION_MS;
  await deps.store.transaction((tx) =>
    insertSession(tx, {
      id: sha256Hex(cookie),
      principal_kind: principal.kind,
      principal_id: principal.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      created_at: now,
    }),
  );
  return { cookie, csrfToken, expiresAt };
}

export async function sessionPrincipal(deps: ServiceDeps, cookie: string): Promise<Principal | undefined> {
  const s = await findLiveSession(deps.store.db, sha256Hex(cookie), deps.clock.now());
  if (!s) return undefined;
  return s.principalKind === 'merchant'
    ? { kind: 'merchant', id: s.principalId, via: 'session', csrfToken: s.csrfToken }
    : { kind: 'operator', id: s.principalId, via: 'session', csrfToken: s.csrfToken };
}

export async function closeSession(deps: ServiceDeps, cookie: string): Promise<void> {
  await deps.store.transaction((tx) => deleteSession(tx, sha256Hex(cookie)));
}

export async function tokenPrincipal(deps: ServiceDeps, bearer: string): Promise<Principal | undefined> {
  if (!bearer.startsWith(API_TOKEN_PREFIX)) return undefined;
  const found = await findMerchantByTokenHash(deps.store.db, sha256Hex(bearer));
  if (!found) return undefined;
  await touchApiToken(deps.store.db, found.id, deps.clock.now());
  return { kind: 'merchant', id: found.merchantId, via: 'token', csrfToken: null };
}

/** A merchant API token for automation: shown once, stored as a SHA-256 (it has 256 bits of entropy). */
export async function createApiToken(deps: ServiceDeps, merchantId: MerchantId, name: string): Promise<{ token: string; info: ApiToken }> {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  const id = deps.ids.next('apiToken');
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    insertApiToken(tx, {
      id,
      merchant_id: merchantId,
      name,
      token_hash: sha256Hex(token),
      hint: token.slice(-4),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    }),
  );
  return { token, info: { id, name, hint: token.slice(-4), createdAt: now, lastUsedAt: null, revokedAt: null } };
}

export function listTokens(deps: ServiceDeps, merchantId: MerchantId): Promise<ApiToken[]> {
  return listApiTokens(deps.store.db, merchantId);
}

export async function revokeToken(deps: ServiceDeps, merchantId: MerchantId, tokenId: string): Promise<void> {
  const done = await deps.store.transaction((tx) => revokeApiToken(tx, merchantId, tokenId, deps.clock.now()));
  if (!done) throw new TollgateError('not_found', 'API token not found');
}
