import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { TollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { registerRequestLog } from '../../http/request-log.js';
import { registerAccountRoutes } from './accounts.js';
import { authHook } from './auth.js';
import { registerIntegrationRoutes } from './integrations.js';
import { registerMoneyRoutes } from './money.js';
import { registerOperatorRoutes } from './operator.js';
import { registerPaymentRoutes } from './payments.js';
import { registerSandboxRoutes } from './sandbox.js';
import { problemErrorHandler, sendProblem } from './problem.js';

export const API_BODY_LIMIT = 64 * 1024;

/** The only routes a caller without a session or token may use. */
const PUBLIC_ROUTES = new Set(['POST /api/merchants', 'POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/auth/verify-email']);

/**
 * The management API: JSON under /api, documented at /docs. Encapsulated, so its validator,
 * error format and auth hook apply to its routes only, never to a dialect's.
 */
export async function managementApi(app: FastifyInstance, opts: { deps: ServiceDeps; drain: () => Promise<number> }): Promise<void> {
  const { deps } = opts;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  // Cookies (the session) only where they are read: the wires never parse them.
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tollgate management API',
        version: '1',
        description:
          'Merchant accounts, integrations and their keys, going live, and (later) payments and sandbox controls. ' +
          'Authenticate with the session cookie from POST /api/auth/login (send X-CSRF-Token on writes) or with ' +
          '`Authorization: Bearer tg_…` from POST /api/tokens. Errors are application/problem+json.',
      },
      servers: [{ url: deps.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'tollgate_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const authenticate = authHook(deps);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    await authenticate(request);
    // Anonymous callers hear "log in" before anything about their input.
    if (request.auth === null && !PUBLIC_ROUTES.has(`${request.method} ${request.url.split('?')[0]}`)) {
      throw new TollgateError('unauthenticated', 'log in or send an API token (Authorization: Bearer tg_…)');
    }
  });

  registerRequestLog(app, deps);
  registerAccountRoutes(app, deps);
  registerIntegrationRoutes(app, deps);
  registerOperatorRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerSandboxRoutes(app, deps, opts.drain);
  registerMoneyRoutes(app, deps);

  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
}
