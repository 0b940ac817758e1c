import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/**
 * The gateway wires' paths, which this plugin leaves alone: it has no prefix, so its hooks, not-found and
 * error handlers are those of every unknown path, and one under a wire's prefix answers in that wire's format.
 */
export interface WirePaths {
  owns(url: string): boolean;
  refuse(url: string, reply: FastifyReply, status: number): FastifyReply;
}
import { jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { TollgateError } from '../../core/errors.js';
import { nulPath } from '../../core/text.js';
import type { ServiceDeps } from '../../services/deps.js';
import { registerRequestLog } from '../../http/request-log.js';
import { registerAccountRoutes } from './accounts.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { registerStreamRoutes } from './streams.js';
import { authHook } from './auth.js';
import { registerIntegrationRoutes } from './integrations.js';
import { registerMoneyRoutes } from './money.js';
import { registerOperatorRoutes } from './operator.js';
import { registerPasswordRoutes } from './passwords.js';
import { registerPaymentRoutes } from './payments.js';
import { registerRefundRoutes } from './refunds.js';
import { registerStatsRoutes } from './stats.js';
import { registerPayoutSettingsRoutes } from './payout-settings.js';
import { registerSandboxRoutes } from './sandbox.js';
import { registerFaultRoutes } from './faults.js';
import { swaggerUiOptions } from './docs-ui.js';
import { API_DESCRIPTION, openApiTransform } from './openapi.js';
import { problemErrorHandler, sendProblem } from './problem.js';
import type { LoginThrottle } from '../login-throttle.js';

export const API_BODY_LIMIT = 64 * 1024;

/** The only routes a caller without a session or token may use. */
const PUBLIC_ROUTES = new Set(['POST /api/merchants', 'POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/auth/verify-email', 'POST /api/auth/password-reset', 'POST /api/auth/password-reset/confirm']);

/**
 * The management API: JSON under /api, documented at /docs. Encapsulated, so its validator,
 * error format and auth hook apply to its routes only, never to a dialect's.
 */
export async function managementApi(app: FastifyInstance, opts: { deps: ServiceDeps; drain: () => Promise<number>; loginThrottle: LoginThrottle; wires?: WirePaths }): Promise<void> {
  const { deps } = opts;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (opts.wires?.owns(request.url)) return opts.wires.refuse(request.url, reply, status);
    return problemErrorHandler(err, request, reply);
  });
  // Cookies (the session) only where they are read: the wires never parse them.
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tollgate management API',
        version: '1',
        description: API_DESCRIPTION,
      },
      servers: [{ url: deps.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'tollgate_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: openApiTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, swaggerUiOptions);

  const authenticate = authHook(deps);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || opts.wires?.owns(request.url)) return;
    await authenticate(request);
    // Anonymous callers hear "log in" before anything about their input.
    if (request.auth === null && !PUBLIC_ROUTES.has(`${request.method} ${request.url.split('?')[0]}`)) {
      throw new TollgateError('unauthenticated', 'log in or send an API token (Authorization: Bearer tg_…)');
    }
  });

  // PostgreSQL refuses NUL in text where SQLite stores it: refused here on both, before any schema runs.
  app.addHook('preValidation', async (request, reply) => {
    if (opts.wires?.owns(request.url)) return;
    const at = nulPath(request.params) ?? nulPath(request.query) ?? nulPath(request.body);
    if (at !== undefined) return sendProblem(request, reply, 'validation', `${at} must not contain a NUL character`, [{ path: at, message: 'must not contain a NUL character' }]);
  });

  registerRequestLog(app, deps);
  registerAccountRoutes(app, deps, opts.loginThrottle);
  registerPasswordRoutes(app, deps, opts.loginThrottle);
  registerIntegrationRoutes(app, deps);
  registerOperatorRoutes(app, deps);
  registerPaymentRoutes(app, deps);
  registerRefundRoutes(app, deps);
  registerDeliveryRoutes(app, deps);
  registerStatsRoutes(app, deps);
  registerSandboxRoutes(app, deps, opts.drain);
  registerFaultRoutes(app, deps);
  registerMoneyRoutes(app, deps);
  registerPayoutSettingsRoutes(app, deps);
  registerStreamRoutes(app, deps);

  app.setNotFoundHandler((request, reply) => {
    if (opts.wires?.owns(request.url)) return opts.wires.refuse(request.url, reply, 404);
    return sendProblem(request, reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
