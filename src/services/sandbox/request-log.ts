import type { ServiceDeps } from '../deps.js';
import { insertRequestLog } from '../../store/repos/sandbox.js';

/** Header names whose values are secrets: masked in the log, never stored. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'api-key', 'signature', 'paydunya-master-key', 'paydunya-private-key', 'paydunya-token', 'x-csrf-token']);

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? mask(value) : value;
  }
  return out;
}

/** Keeps the last four characters so a developer can tell which key was sent. */
function mask(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

const MAX_BODY = 64 * 1024;

/**
 * Seed 003's "fictitious internal data": what a test-mode request carried and what we answered,
 * with the hash or signature we computed. Written after the response; a failure here never fails the request.
 */
export async function recordTestRequest(
  deps: ServiceDeps,
  entry: {
    integrationId: string;
    dialect: string;
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    responseStatus: number;
    responseBody: string;
    signature: string | null;
  },
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    insertRequestLog(tx, {
      id: deps.ids.next('requestLog'),
      integration_id: entry.integrationId,
      dialect: entry.dialect,
      method: entry.method,
      path: entry.path,
      headers: JSON.stringify(maskHeaders(entry.headers)),
      body: entry.body.slice(0, MAX_BODY),
      response_status: entry.responseStatus,
      response_body: entry.responseBody.slice(0, MAX_BODY),
      signature: entry.signature,
      created_at: now,
    }),
  );
}
