import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { PROBLEM_WHEN } from './shapes.js';

/** The description at the top of /docs: how to authenticate, and the conventions of every route (docs/api.md). */
export const API_DESCRIPTION = [
  'Merchant accounts, integrations and their keys, going live, payments, refunds, notifications, the sandbox, money and the operator’s tools. The dashboard uses only this API.',
  '',
  '**Authenticate.** In this page: `POST /api/auth/login` with "Try it out" sets the session cookie, and every later "Try it out" sends the CSRF token it returned. For scripts, create an API token (`POST /api/tokens` while logged in; its value is shown once) and send `Authorization: Bearer tg_…` (the Authorize button).',
  '',
  '**Conventions.** Instants are ISO 8601 UTC strings with milliseconds, in fields ending in `At`. Amounts are integers in minor units (cents, groszy, francs) in a field named for what they are (`amount`, `fee`, `net`, `balance`), with a sibling `currency`. Lists answer `{ "data": [...], "nextCursor": string | null }`, newest first; ask for the next page with `cursor=<nextCursor>`, `limit` is 1–200 (default 50), and filters are query parameters. Errors are `application/problem+json` with a `code` and a `detail` that says what to do next.',
].join('\n');

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * fastify-type-provider-zod's transform, then: error answers are application/problem+json with a
 * description of when they happen, and a 2xx that declares `x-content-type` (CSV) is served as that.
 */
export function openApiTransform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(input);
  const response = (out.schema as { response?: Record<string, Record<string, unknown>> } | undefined)?.response;
  if (!response) return out;
  for (const [status, schema] of Object.entries(response)) {
    const code = Number(status);
    if (code >= 400) {
      response[status] = { description: PROBLEM_WHEN[code] ?? 'An error', content: { 'application/problem+json': { schema } } };
    } else if (typeof schema['x-content-type'] === 'string') {
      const { 'x-content-type': type, description, ...rest } = schema;
      response[status] = { description: description ?? 'OK', content: { [type as string]: { schema: rest } } };
    }
  }
  return out;
}
