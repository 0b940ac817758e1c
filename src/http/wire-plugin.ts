import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceDeps } from '../services/deps.js';
import { registerRequestLog } from './request-log.js';

/** A wire's way of saying no: its own status and body for what the framework refused. */
export type WireRefusal = (reply: FastifyReply, status: number, message: string) => FastifyReply;

/** Words for what the framework refused, by status: no framework text reaches a wire. */
export function frameworkMessage(status: number): string {
  if (status === 404) return 'Unknown request path';
  if (status === 405) return 'Method not allowed';
  if (status === 413) return 'Request body too large';
  if (status === 414) return 'Request URL too long';
  if (status === 415) return 'Unsupported Content-Type';
  if (status >= 500) return 'Internal error, please try again';
  return 'Malformed request';
}

/** The status an error stands for: its own when it is a client error, else 500. */
export function errorStatus(err: FastifyError): number {
  const s = err.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

/**
 * What every dialect plugin starts with: any body kept as raw text whatever its Content-Type (hashes and
 * signatures cover the exact bytes; each wire parses its own format), the test-mode request log, and
 * every error the framework raises on its routes (a body too large, a bad Content-Type) in its format.
 */
export function rawWire(app: FastifyInstance, deps: ServiceDeps, bodyLimit: number, refuse: WireRefusal): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = errorStatus(err);
    if (status >= 500) request.log.error({ err }, 'wire request failed');
    return refuse(reply, status, frameworkMessage(status));
  });
  registerRequestLog(app, deps);
}
