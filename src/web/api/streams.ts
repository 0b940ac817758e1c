import { asId } from '../../core/ids.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { notificationFeed, requestFeed } from '../../services/sandbox/streams.js';
import { requireMerchant } from './auth.js';
import { integrationId } from './schemas.js';
import { MERCHANT_RESOURCE, problems } from './shapes.js';

/** How often an open stream asks the database for what is new: every process and machine writes there. */
const POLL_MS = 300;
const HEARTBEAT_MS = 15_000;

const streamQuery = z.object({
  lastEventId: z.string().max(64).optional().describe('resume after this event id (the Last-Event-ID header wins)'),
});

const sseResponse = { 200: z.string().describe('text/event-stream: one event per item, its id the resume point'), ...problems(...MERCHANT_RESOURCE) };

/**
 * Server-Sent Events of an integration: its notifications as they are produced (what `tollgate listen`
 * forwards) and its test-mode request log live (`tollgate tail`). Each stream polls the database by
 * cursor, so it shows what any process or machine wrote; Last-Event-ID resumes where a client left off.
 */
export function registerStreamRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const open = new Set<() => void>();
  // Streams never end by themselves: closing the server ends them, so that it can finish.
  root.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/api/integrations/:id/streams/notifications', {
    schema: {
      tags: ['streams'],
      summary: "Server-Sent Events: the integration's notifications as they are produced",
      description:
        'Each `notification` event carries the delivery id, the payment, the state it announces and the request exactly as the gateway sends it (headers with their signature, body byte for byte), signed when streamed. Filter with `events` (payment states, comma-separated). Starts now, or after Last-Event-ID.',
      params: integrationId,
      querystring: streamQuery.extend({ events: z.string().max(500).optional().describe('comma-separated payment states, e.g. paid,failed') }),
      response: sseResponse,
    },
  }, async (request, reply) => {
    const states = (request.query.events ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const feed = await notificationFeed(deps, requireMerchant(request), asId('integration', request.params.id), lastEventId(request, request.query.lastEventId), states);
    stream(request, reply, open, 'notification', () => feed.poll());
  });

  app.get('/api/integrations/:id/streams/requests', {
    schema: {
      tags: ['streams'],
      summary: "Server-Sent Events: the integration's test-mode request log, live",
      description: 'Each `request` event is one entry of the request log (without headers and body): method, path, our status and answer, the hash or signature we computed, and whatever explanation the log holds. Starts now, or after Last-Event-ID.',
      params: integrationId,
      querystring: streamQuery,
      response: sseResponse,
    },
  }, async (request, reply) => {
    const feed = await requestFeed(deps, requireMerchant(request), asId('integration', request.params.id), lastEventId(request, request.query.lastEventId));
    stream(request, reply, open, 'request', () => feed.poll());
  });
}

function lastEventId(request: FastifyRequest, fromQuery: string | undefined): string | undefined {
  const h = request.headers['last-event-id'];
  return (typeof h === 'string' && h !== '' ? h : undefined) ?? fromQuery;
}

/** Writes events until the client goes or the server closes; a failed poll ends the stream (the client resumes). */
function stream<T extends { id: string }>(request: FastifyRequest, reply: FastifyReply, open: Set<() => void>, event: string, poll: () => Promise<T[]>): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', 'x-request-id': String(request.id) });
  raw.write('retry: 1000\n: connected\n\n');
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = Date.now();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    open.delete(end);
    raw.end();
  };
  open.add(end);
  request.raw.on('close', end);
  const tick = async () => {
    try {
      const items = await poll();
      if (ended) return;
      for (const item of items) raw.write(`id: ${item.id}\nevent: ${event}\ndata: ${JSON.stringify(item)}\n\n`);
      if (items.length > 0) lastWrite = Date.now();
      else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        raw.write(': heartbeat\n\n');
        lastWrite = Date.now();
      }
    } catch (err) {
      request.log.warn({ err }, 'stream poll failed');
      end();
      return;
    }
    if (!ended) timer = setTimeout(tick, POLL_MS);
  };
  void tick();
}
