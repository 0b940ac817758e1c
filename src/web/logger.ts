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
  '*.privateKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
