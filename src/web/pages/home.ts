import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/deps.js';
import { registerDashboard } from '../dashboard.js';

/**
 * The start page at `/` is the dashboard (web/dashboard.ts): merchants and operators log in there.
 * When its files were never built it says how to build them.
 */
export function registerHomePage(app: FastifyInstance, _deps: ServiceDeps): void {
  // Registered as a plugin: its @fastify/static instance stays encapsulated, and avvio awaits it.
  void app.register(async (scope) => registerDashboard(scope));
}
