import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../services/deps.js';
import { registerRequestLog } from './request-log.js';

/**
 * What every dialect plugin starts with: any body kept as raw text whatever its Content-Type (hashes and
 * signatures cover the exact bytes; each wire parses its own format), and the test-mode request log.
 */
export function rawWire(app: FastifyInstance, deps: ServiceDeps, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
  registerRequestLog(app, deps);
}
