import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../store/database.js';
import { pendingMigrations } from '../store/migrate.js';

/** /healthz: the process answers. /readyz: the database answers and the schema is current. */
export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(store.db);
      const pending = await pendingMigrations(store);
      if (pending.length > 0) {
        return reply.code(503).send({ status: 'unavailable', reason: `migrations pending: ${pending.join(', ')}` });
      }
      return { status: 'ready', database: store.kind };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', reason: `database: ${(err as Error).message}` });
    }
  });
}
