import pino, { type Logger } from 'pino';

/**
 * Secrets never reach a log line: headers that carry keys, signatures, hashes, cookies and tokens, and
 * body fields named like secrets, are redacted wherever they appear.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["api-key"]',
  'req.headers.signature',
  'req.headers["x-csrf-token"]',
  'req.headers["paydunya-master-key"]',
  'req.headers["paydunya-private-key"]',
  'req.headers["paydunya-public-key"]',
  'req.headers["paydunya-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.hash',
  '*.signature',
  '*.integrationKey',
  '*.apiKey',
  '*.signatureKey',
  '*.masterKey',
  '*.webhookSecret',
  '*.privateKey',
];

/** Query values can be capabilities (a verification token, a poll guid): only their names are logged. */
export function maskQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/**
 * Path segments that are capabilities: whoever knows one sees or pays the payment behind it (a PayDunya
 * invoice token and its receipt, a Paynow Zimbabwe browser reference, a Paynow.pl paywall, the hosted
 * checkout). Matched case-insensitively, as the router matches them.
 */
const CAPABILITY_PATHS = [
  /^(\/(?:sandbox-api|api)\/v1\/checkout-invoice\/confirm\/)[^/?]+/i,
  /^(\/(?:sandbox-checkout|checkout)\/(?:invoice|receipt\/pdf)\/)[^/?]+/i,
  /^(\/payment\/confirmpayment\/)[^/?]+/i,
  /^(\/paywall\/)[^/?]+/i,
  /^(\/pay\/)[^/?]+/i,
];

/** The URL as it may be logged: capability path segments and every query value replaced. */
export function maskUrl(url: string): string {
  let masked = url;
  for (const re of CAPABILITY_PATHS) masked = masked.replace(re, '$1[redacted]');
  return maskQuery(masked);
}

export const LOG_OPTIONS = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: {
    req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ method: req.method, url: maskUrl(req.url ?? ''), remoteAddress: req.ip }),
  },
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, ...LOG_OPTIONS }, destination);
}
