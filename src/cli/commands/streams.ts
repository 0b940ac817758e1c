import type { Command } from 'commander';
import { request } from 'undici';
import { TollgateError } from '../../core/errors.js';
import type { StreamedNotification, StreamedRequest } from '../../services/sandbox/streams.js';
import type { CliIo } from '../context.js';
import { oneLine } from '../format.js';
import { remoteClient, remoteCommand, remoteOptions } from '../remote.js';
import { followEvents, untilInterrupted } from '../sse.js';

/** The signature debugger's verdict on a failed check, in one line: the mistake, what to do, where the strings part. */
function diagnosisLine(d: unknown): string | null {
  if (d === null || typeof d !== 'object') return null;
  const { mistake, explanation, firstDifference } = d as { mistake?: string; explanation?: string; firstDifference?: { offset: number; ours: string | null; theirs: string | null } | null };
  const at = firstDifference ? ` (first differing byte ${firstDifference.offset}: ours ${firstDifference.ours ?? 'end'}, theirs ${firstDifference.theirs ?? 'end'})` : '';
  return `${mistake ?? 'unknown'}: ${explanation ?? ''}${at}`;
}

/** The outcome of a logged request in a few words: the wire's own error text when it has one. */
function requestLine(r: StreamedRequest): string {
  const body = r.responseBody ?? '';
  const zwError = /(?:^|&)error=([^&]*)/i.exec(body);
  let outcome = `${r.responseStatus}`;
  if (zwError?.[1]) outcome += ` ${decodeURIComponent(zwError[1].replace(/\+/g, ' '))}`;
  else if (r.responseStatus >= 400 || /"(?:errors|response_code)"/.test(body)) outcome += ` ${oneLine(body, 120)}`;
  const explanation = diagnosisLine(r.diagnosis);
  const why = explanation === null ? '' : `\n    ${oneLine(explanation, 400)}`;
  return `${r.createdAt}  ${r.dialect.padEnd(9)}  ${r.method} ${r.path}  → ${outcome}${why}`;
}

export function registerStreamCommands(program: Command, io: CliIo): void {
  remoteCommand(program.command('tail').description("print the integration's test-mode requests live, one line each with the outcome"))
    .option('--integration <id>', 'integration id (int_…)')
    .action(async (o: { integration?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const signal = untilInterrupted();
      await followEvents(client, `/api/integrations/${id}/streams/requests`, signal, async (e) => {
        const r = JSON.parse(e.data) as StreamedRequest;
        io.out(opts.json ? JSON.stringify(r) : requestLine(r));
      }, (why) => io.err(`stream interrupted (${why}); reconnecting`), () => io.err(`ready: tailing ${id}`));
    });

  remoteCommand(program.command('listen').description('forward the integration\'s notifications, byte for byte, to a local URL and report its answers to the gateway'))
    .requiredOption('--forward-to <url>', 'your local receiver, e.g. http://localhost:3000/webhooks/paynow')
    .option('--integration <id>', 'integration id (int_…)')
    .option('--events <states>', 'only notifications announcing these payment states, e.g. paid,failed')
    .action(async (o: { forwardTo: string; integration?: string; events?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      let target: URL;
      try {
        target = new URL(o.forwardTo);
      } catch {
        throw new TollgateError('validation', `--forward-to must be an http(s) URL, not "${o.forwardTo}"`);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TollgateError('validation', `--forward-to must be an http(s) URL, not "${o.forwardTo}"`);
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const signal = untilInterrupted();
      const q = o.events ? `?${new URLSearchParams({ events: o.events })}` : '';
      await followEvents(client, `/api/integrations/${id}/streams/notifications${q}`, signal, async (e) => {
        const n = JSON.parse(e.data) as StreamedNotification;
        const started = performance.now();
        let statusCode: number | null = null;
        let responseHead: string | null = null;
        let error: string | null = null;
        try {
          // The gateway's own request, headers and signature as they are: only the destination changes.
          const res = await request(target, { method: 'POST', headers: n.request.headers, body: n.request.body, signal: AbortSignal.timeout(15_000) });
          statusCode = res.statusCode;
          responseHead = (await res.body.text()).slice(0, 1024);
        } catch (err) {
          error = (err as Error).message;
        }
        const latencyMs = Math.round(performance.now() - started);
        let delivered = false;
        try {
          const r = await client.post<{ forward: { delivered: boolean } }>(`/api/deliveries/${n.id}/forwards`, { url: target.toString(), statusCode, latencyMs, error, responseHead });
          delivered = r.forward.delivered;
        } catch (err) {
          io.err(`could not report ${n.id} to the gateway: ${(err as Error).message}`);
        }
        const line = { deliveryId: n.id, paymentId: n.paymentId, state: n.state, dialect: n.dialect, forwardedTo: target.toString(), statusCode, latencyMs, error, delivered };
        io.out(opts.json ? JSON.stringify(line) : `${n.id}  ${n.paymentId}  ${n.state ?? '-'}  → ${statusCode ?? `error: ${error}`}  ${latencyMs} ms${delivered ? '  (delivered)' : ''}`);
      }, (why) => io.err(`stream interrupted (${why}); reconnecting`), () => io.err(`ready: listening to ${id}`));
    });
}
