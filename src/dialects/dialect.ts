import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceDeps } from '../services/deps.js';
import type { DialectName, NotificationFormatter } from '../services/notify/formatter.js';

/** What a dialect hands to buildApp: its routes (one encapsulated plugin) and its notification formatter. */
export interface Dialect {
  name: DialectName;
  plugin: (app: FastifyInstance, opts: { deps: ServiceDeps }) => Promise<void>;
  formatter: NotificationFormatter;
  /** Lower-case path prefixes of its API: whatever answers there is in its format. */
  prefixes: readonly string[];
  /**
   * A refusal the framework raised before or around the routes (an unknown path, a body too large, a
   * bad URL, an odd Content-Type), in the wire's own format. `status` is the HTTP status Fastify chose.
   */
  refuse(reply: FastifyReply, status: number, message: string): FastifyReply;
}

/** The dialect whose API a path belongs to, by prefix (case-insensitive, as the router matches). */
export function dialectOfPath(dialects: readonly Dialect[], url: string): Dialect | undefined {
  const path = url.toLowerCase();
  return dialects.find((d) => d.prefixes.some((p) => path.startsWith(p)));
}
