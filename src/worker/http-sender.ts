import { Agent, request } from 'undici';
import { checkLiteralHost, guardedLookup } from './ssrf.js';

export interface SendResult {
  statusCode: number | null;
  /** The first kilobyte of the response body. */
  responseHead: string | null;
  error: string | null;
  latencyMs: number;
  /** How long the receiver asked us to wait (its `Retry-After`), if it said. */
  retryAfterMs: number | null;
}

export interface HttpSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  close(): Promise<void>;
}

export const DELIVERY_TIMEOUT_MS = 15_000;
const HEAD_BYTES = 1024;

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  // An HTTP date always ends in GMT; Date.parse alone would take "-5" for a year.
  const at = /GMT\s*$/.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Outbound POSTs for notifications: 15 s timeout, redirects never followed (a 3xx is a failure), and
 * the SSRF guard applied when each connection opens.
 */
export function createHttpSender(options: { allowPrivate: boolean; timeoutMs?: number }): HttpSender {
  const timeout = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.allowPrivate) as never, timeout },
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 4_000,
  });
  return {
    async post(url, headers, body) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const target = new URL(url);
        if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported scheme ${target.protocol}`);
        checkLiteralHost(target, options.allowPrivate);
        const res = await request(target, { method: 'POST', headers, body, dispatcher: agent, signal: AbortSignal.timeout(timeout) });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          const b = chunk as Buffer;
          if (size < HEAD_BYTES) chunks.push(b.subarray(0, HEAD_BYTES - size));
          size += b.length;
          if (size >= HEAD_BYTES) break;
        }
        if (size >= HEAD_BYTES) res.body.destroy();
        // PostgreSQL text cannot hold NUL: kept as U+FFFD, as an invalid UTF-8 sequence already is.
        const head = Buffer.concat(chunks).toString('utf8').replaceAll('\0', '\uFFFD');
        return { statusCode: res.statusCode, responseHead: head, error: null, latencyMs: elapsed(), retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now()) };
      } catch (err) {
        const e = err as Error & { code?: string; cause?: Error & { code?: string } };
        const code = e.cause?.code ?? e.code;
        const message = e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' ? `timed out after ${timeout} ms` : (e.cause?.message ?? e.message);
        return { statusCode: null, responseHead: null, error: message, latencyMs: elapsed(), retryAfterMs: null };
      }
    },
    close: () => agent.close(),
  };
}
