import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../services/deps.js';
import type { DialectName, NotificationFormatter } from '../services/notify/formatter.js';

/** What a dialect hands to buildApp: its routes (one encapsulated plugin) and its notification formatter. */
export interface Dialect {
  name: DialectName;
  plugin: (app: FastifyInstance, opts: { deps: ServiceDeps }) => Promise<void>;
  formatter: NotificationFormatter;
}
