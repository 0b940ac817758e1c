import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../services/deps.js';
import { recordTestRequest } from '../services/sandbox/request-log.js';

/**
 * Adds the test-mode request log to a plugin: a route (or a dialect's auth hook) sets
 * `request.testLog` once it knows the integration and that it acts in test mode; the request and the
 * response about to be sent are recorded before the answer leaves, so whoever received the answer
 * finds the request in the log.
 */
export function registerRequestLog(app: FastifyInstance, deps: ServiceDeps): void {
  // A callback hook: every request passes here, and most (live ones, the management API's) log nothing.
  app.addHook('onSend', (request, reply, payload, done) => {
    const t = request.testLog;
    if (!t) {
      done(null, payload);
      return;
    }
    const raw = request.rawBody ?? (request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
    recordTestRequest(deps, {
      integrationId: t.integrationId,
      dialect: t.dialect,
      method: request.method,
      path: request.url,
      headers: request.headers,
      body: raw,
      responseStatus: reply.statusCode,
      responseBody: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
      signature: t.signature,
      failed: t.failed === true,
      diagnose: t.diagnosis,
    }).then(
      () => done(null, payload),
      (err: unknown) => {
        // The log is a developer aid: losing one entry must never fail the request it describes.
        request.log.warn({ err }, 'could not write the test request log');
        done(null, payload);
      },
    );
  });
}
