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

export const LOG_OPTIONS = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: {
    req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ method: req.method, url: maskQuery(req.url ?? ''), remoteAddress: req.ip }),
  },
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, ...LOG_OPTIONS }, destination);
}
