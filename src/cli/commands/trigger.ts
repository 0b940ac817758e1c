import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { TollgateError } from '../../core/errors.js';
import { signPairs } from '../../dialects/paynow-zw/signature.js';
import type { CliIo } from '../context.js';
import { print } from '../context.js';
import { deliveryLine, paymentLine } from '../format.js';
import { listOf, type RemoteClient, remoteClient, remoteCommand, remoteOptions } from '../remote.js';
import { readKeysFile } from './remote.js';

type Json = Record<string, unknown>;

interface Keys {
  paynowZw: { integrationId: number; integrationKey: string };
}

interface Run {
  client: RemoteClient;
  integrationId: string;
  keys: Keys;
  email: string;
  reference: string;
  resultUrl: string;
}

interface Scenario {
  name: string;
  does: string;
  /** The state the payment ends in; null: the wire refuses and nothing is stored. */
  ends: string | null;
  run(r: Run): Promise<{ answer: string }>;
}

async function postForm(url: string, pairs: Array<[string, string]>): Promise<string> {
  const body = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return res.text();
}

/** A Paynow Zimbabwe request hashed as the SDKs hash it. */
function zwRequest(r: Run, extra: Array<[string, string]>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ['id', String(r.keys.paynowZw.integrationId)],
    ['reference', r.reference],
    ['amount', '10.00'],
    ['additionalinfo', 'tollgate trigger'],
    ['returnurl', 'https://shop.example/return'],
    ['resulturl', r.resultUrl],
    ['authemail', r.email],
    ...extra,
    ['status', 'Message'],
  ];
  return signPairs(pairs, r.keys.paynowZw.integrationKey);
}

async function paymentByReference(r: Run): Promise<Json | undefined> {
  const list = listOf<Json>(await r.client.get(`/api/integrations/${r.integrationId}/payments?limit=50`));
  return list.find((p) => p.reference === r.reference);
}

/** Named scenarios, each through the real wire of its gateway, signed as an SDK signs. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'paynow-zw.express.paid',
    does: 'EcoCash express checkout with test phone 0771111111; the sandbox clock moves 10 s, so it is paid',
    ends: 'paid',
    async run(r) {
      const answer = await postForm(`${r.client.url}/interface/remotetransaction`, zwRequest(r, [['phone', '0771111111'], ['method', 'ecocash']]));
      await r.client.post(`/api/integrations/${r.integrationId}/sandbox/advance`, { seconds: 10 });
      return { answer };
    },
  },
  {
    name: 'paynow-zw.express.insufficient-balance',
    does: 'EcoCash express checkout with test phone 0774444444: refused with "Insufficient balance", nothing stored',
    ends: null,
    async run(r) {
      return { answer: await postForm(`${r.client.url}/interface/remotetransaction`, zwRequest(r, [['phone', '0774444444'], ['method', 'ecocash']])) };
    },
  },
  {
    name: 'paynow-zw.web.cancelled',
    does: 'web checkout initiated; the customer cancels (the sandbox control a checkout click is)',
    ends: 'cancelled',
    async run(r) {
      const answer = await postForm(`${r.client.url}/interface/initiatetransaction`, zwRequest(r, []));
      const p = await paymentByReference(r);
      if (p) await r.client.post(`/api/payments/${p.id}/sandbox/complete`, { outcome: 'cancelled' });
      return { answer };
    },
  },
];

function keysOf(io: CliIo, client: RemoteClient, file: string | undefined): Keys {
  const source = file ?? io.env.TOLLGATE_KEYS;
  const creds = (source ? readKeysFile(source).credentials : client.profile?.credentials) as Keys | undefined;
  if (!creds?.paynowZw) throw new TollgateError('validation', "trigger signs as an SDK does and needs the integration's keys: --keys FILE (integration create --json, or serve --ephemeral's line), TOLLGATE_KEYS, or tollgate login --keys");
  return creds;
}

export function registerTriggerCommand(program: Command, io: CliIo): void {
  remoteCommand(program.command('trigger').description('run a named scenario through the real wire; --list shows them').argument('[scenario]', 'e.g. paynow-zw.express.paid'))
    .option('--list', 'list the scenarios and what each does')
    .option('--integration <id>', 'integration id (int_…)')
    .option('--keys <file>', "the integration's credentials (integration create --json)")
    .option('--result-url <url>', 'where its notifications go', 'https://shop.example/tollgate-trigger')
    .action(async (name: string | undefined, o: { list?: boolean; integration?: string; keys?: string; resultUrl: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      if (o.list || name === undefined) {
        const list = SCENARIOS.map((s) => ({ name: s.name, does: s.does, ends: s.ends }));
        print(io, opts, { data: list }, () => list.map((s) => `${s.name.padEnd(42)} ${s.does}`));
        return;
      }
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) throw new TollgateError('validation', `no scenario "${name}": tollgate trigger --list shows them`);
      const client = remoteClient(io, opts);
      const integrationId = await client.integrationId(o.integration, io.env);
      const me = await client.get<{ merchant?: { email?: string } }>('/api/me');
      const run: Run = { client, integrationId, keys: keysOf(io, client, o.keys), email: me.merchant?.email ?? '', reference: `trigger-${randomBytes(5).toString('hex')}`, resultUrl: o.resultUrl };
      const { answer } = await scenario.run(run);
      const payment = await paymentByReference(run);
      const deliveries = payment ? listOf<Json>(await client.get(`/api/integrations/${integrationId}/deliveries?paymentId=${payment.id}`)) : [];
      const reached = scenario.ends === null ? payment === undefined : payment?.state === scenario.ends;
      print(io, opts, { scenario: scenario.name, expected: scenario.ends, reached, answer, payment: payment ?? null, deliveries }, () => [
        `${scenario.name}: ${reached ? 'ended as expected' : 'did NOT end as expected'} (${scenario.ends ?? 'refused, nothing stored'})`,
        `  wire answer: ${answer.slice(0, 200)}`,
        ...(payment ? [`  ${paymentLine(payment)}`] : []),
        ...deliveries.map((d) => `  ${deliveryLine(d)}`),
      ]);
      if (!reached) throw new TollgateError('invalid_state', `${scenario.name} did not end in ${scenario.ends ?? 'a refusal'}${payment ? ` (the payment is ${payment.state})` : ''}`);
    });
}
