import type { FastifyReply } from 'fastify';

/** A merchant-supplied URL we may link or redirect to: http(s) only, or nothing. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/;

/** The CSP source for where a form may end up: the URL's origin, or its scheme when the host cannot be written as a source. */
function formTarget(url: string): string {
  const u = new URL(url);
  return ORIGIN.test(u.origin) ? u.origin : u.protocol;
}

/**
 * The checkout pages' Content-Security-Policy: nothing runs (no script source at all), styles only
 * from our stylesheet, and forms may only post to us and be redirected to the merchant's return and
 * cancel URLs.
 */
export function checkoutCsp(destinations: ReadonlyArray<string | null>): string {
  const targets = [...new Set(destinations.filter((d): d is string => d !== null).map(formTarget))];
  return ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", `form-action ${["'self'", ...targets].join(' ')}`, "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
}

/** Headers every checkout page carries. */
export function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY');
}
