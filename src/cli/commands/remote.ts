import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { TollgateError } from '../../core/errors.js';
import { type CliIo, print } from '../context.js';
import { deliveryLine, paymentLine, parseDuration } from '../format.js';
import { saveProfile } from '../profiles.js';
import { listOf, nextCursorOf, normaliseUrl, RemoteClient, remoteClient, remoteCommand, remoteOptions } from '../remote.js';

type Json = Record<string, unknown>;

function limitOf(text: string | undefined): number {
  const n = Number(text ?? 50);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new TollgateError('validation', '--limit must be a whole number from 1 to 200');
  return n;
}

/** Reads the credentials of a keys file: `integration create --json` output, or `serve --ephemeral`'s line. */
export function readKeysFile(file: string): { credentials: unknown; integration?: string } {
  let parsed: { credentials?: unknown; integration?: { id?: string } };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TollgateError('validation', `cannot read ${file}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !parsed.credentials) throw new TollgateError('validation', `${file} has no "credentials": give the output of tollgate integration create --json`);
  return { credentials: parsed.credentials, ...(parsed.integration?.id && { integration: parsed.integration.id }) };
}

/** Commands that act on a gateway through its management API with an API token, from anywhere. */
export function registerRemoteCommands(program: Command, io: CliIo): void {
  program
    .command('login')
    .description('save a gateway URL and API token as a profile (a 0600 file in your config directory)')
    .requiredOption('--url <url>', 'the gateway, e.g. https://sandbox.example.com')
    .requiredOption('--token <token>', 'an API token (tg_…) from POST /api/tokens')
    .option('--profile <name>', 'profile name', 'default')
    .option('--integration <id>', 'the integration commands act on by default')
    .option('--keys <file>', "an integration's credentials (integration create --json) for tollgate trigger")
    .action(async (o: { url: string; token: string; profile: string; integration?: string; keys?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      const keys = o.keys === undefined ? undefined : readKeysFile(o.keys);
      const client = new RemoteClient(normaliseUrl(o.url), o.token, undefined);
      // The token is tried before it is saved: a typo is caught now, not at the next command.
      const me = await client.get<Json>('/api/me');
      const integration = o.integration ?? keys?.integration;
      const file = saveProfile(io.env, o.profile, { url: client.url, token: o.token, ...(integration && { integration }), ...(keys && { credentials: keys.credentials }) });
      const who = ((me.merchant as Json | undefined)?.email ?? me.email ?? '') as string;
      print(io, opts, { profile: o.profile, url: client.url, email: who, integration: integration ?? null, file }, () => [`logged in to ${client.url}${who ? ` as ${who}` : ''}; saved as profile "${o.profile}" in ${file}`]);
    });

  const payments = program.command('payments').description("an integration's payments (remote: --url/--token or a profile)");
  remoteCommand(payments.command('list').description('payments, newest first'))
    .option('--integration <id>', 'integration id (int_…); default: the profile\'s, or the only one')
    .option('--limit <n>', 'how many (1–200)', '50')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .action(async (o: { integration?: string; limit?: string; cursor?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const q = new URLSearchParams({ limit: String(limitOf(o.limit)), ...(o.cursor && { cursor: o.cursor }) });
      const body = await client.get(`/api/integrations/${id}/payments?${q}`);
      const data = listOf<Json>(body);
      print(io, opts, { data, nextCursor: nextCursorOf(body) }, () => (data.length === 0 ? ['no payments'] : data.map(paymentLine)));
    });
  remoteCommand(payments.command('show').description('a payment with its events and refunds').argument('<id>', 'payment id (pay_…)')).action(async (id: string, _o: unknown, cmd: Command) => {
    const opts = remoteOptions(cmd);
    const body = await remoteClient(io, opts).get<{ payment: Json; events?: Json[]; refunds?: Json[] }>(`/api/payments/${encodeURIComponent(id)}`);
    print(io, opts, body, () => [
      paymentLine(body.payment),
      ...(body.events ?? []).map((e) => `  v${e.version}  ${e.from ?? '-'} → ${e.to}  ${e.at ?? e.createdAt ?? ''}  ${e.reason ?? ''}`.trimEnd()),
      ...(body.refunds ?? []).map((r) => `  refund ${r.id}  ${r.status}  ${r.amountMinor ?? r.amount} ${r.currency}`),
    ]);
  });
  remoteCommand(payments.command('complete').description('finish a test payment (sandbox)').argument('<id>', 'payment id (pay_…)'))
    .option('--outcome <outcome>', 'paid, failed, cancelled or expired', 'paid')
    .action(async (id: string, o: { outcome: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      if (!['paid', 'failed', 'cancelled', 'expired'].includes(o.outcome)) throw new TollgateError('validation', '--outcome must be paid, failed, cancelled or expired');
      const body = await remoteClient(io, opts).post<{ payment: Json; changed: boolean }>(`/api/payments/${encodeURIComponent(id)}/sandbox/complete`, { outcome: o.outcome });
      print(io, opts, body, () => [`${body.changed ? 'completed' : 'unchanged'}: ${paymentLine(body.payment)}`]);
    });

  const clock = program.command('clock').description("an integration's sandbox clock (remote)");
  remoteCommand(clock.command('advance').description('move the sandbox clock forward: due timers, expiries and retries fire now').argument('<duration>', 'e.g. 30s, 10m, 2h, 1d, 1h30m'))
    .option('--integration <id>', 'integration id (int_…)')
    .action(async (duration: string, o: { integration?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      let seconds: number;
      try {
        seconds = parseDuration(duration);
      } catch (err) {
        throw new TollgateError('validation', (err as Error).message);
      }
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const r = await client.post<{ offsetSeconds: number; jobsMoved: number; jobsRun: number }>(`/api/integrations/${id}/sandbox/advance`, { seconds });
      const out = { integrationId: id, advancedSeconds: seconds, offsetSeconds: r.offsetSeconds, jobsMoved: r.jobsMoved, jobsRun: r.jobsRun };
      print(io, opts, out, () => [`${id}: clock moved ${duration} (${seconds} s; ${r.offsetSeconds} s ahead in all); ${r.jobsMoved} waiting job(s) moved, ${r.jobsRun} ran`]);
    });

  const deliveries = program.command('deliveries').description('notifications and their attempts (remote)');
  remoteCommand(deliveries.command('list').description("an integration's notifications, newest first, or one payment's"))
    .option('--integration <id>', 'integration id (int_…)')
    .option('--payment <id>', "only this payment's (pay_…)")
    .option('--status <status>', 'pending, delivered or failed')
    .option('--limit <n>', 'how many (1–200)', '50')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .action(async (o: { integration?: string; payment?: string; status?: string; limit?: string; cursor?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const q = new URLSearchParams({ limit: String(limitOf(o.limit)), ...(o.cursor && { cursor: o.cursor }), ...(o.status && { status: o.status }), ...(o.payment && { paymentId: o.payment }) });
      const body = await client.get(`/api/integrations/${id}/deliveries?${q}`);
      const data = listOf<Json>(body);
      print(io, opts, { data, nextCursor: nextCursorOf(body) }, () => (data.length === 0 ? ['no notifications'] : data.map(deliveryLine)));
    });
  remoteCommand(deliveries.command('redeliver').description('send a notification again, now').argument('<id>', 'delivery id (dlv_…)')).action(async (id: string, _o: unknown, cmd: Command) => {
    const opts = remoteOptions(cmd);
    await remoteClient(io, opts).post(`/api/deliveries/${encodeURIComponent(id)}/redeliver`);
    print(io, opts, { deliveryId: id, scheduled: true }, () => [`${id}: scheduled for another attempt now`]);
  });
}


