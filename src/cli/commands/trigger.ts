import type { Command } from 'commander';
import { randomBytes, randomUUID } from 'node:crypto';
import type { CredentialSet } from '../../core/credentials.js';
import { TollgateError } from '../../core/errors.js';
import { signPairs } from '../../dialects/paynow-zw/signature.js';
import { signV3 } from '../../dialects/paynow-pl/signature.js';
import type { CliIo } from '../context.js';
import { print } from '../context.js';
import { deliveryLine, moneyText, oneLine, paymentLine } from '../format.js';
import { listOf, type RemoteClient, remoteClient, remoteCommand, remoteOptions } from '../remote.js';
import { readKeysFile } from './remote.js';

type Json = Record<string, unknown>;

/** The wire whose keys a scenario signs with. */
type Wire = 'paynowZw' | 'paynowPl' | 'paydunya';

const WIRE_NAMES: Record<Wire, string> = { paynowZw: 'Paynow Zimbabwe', paynowPl: 'Paynow.pl', paydunya: 'PayDunya' };

/** One request of a scenario on its gateway's wire, and what it answered. */
export interface Step {
  request: string;
  status: number;
  body: string;
}

interface Run {
  client: RemoteClient;
  integrationId: string;
  keys: Partial<CredentialSet>;
  email: string;
  /** Unique per run: the payment's reference (or, where the wire has none, its description) carries it. */
  reference: string;
  resultUrl: string;
  steps: Step[];
}

interface Scenario {
  name: string;
  does: string;
  wire: Wire;
  /** The state the payment ends in; null: the wire refuses and nothing is stored. */
  ends: string | null;
  /** What the last wire answer must say, besides the state (a refusal's own words). */
  answers?: RegExp;
  run(r: Run): Promise<void>;
}

/** Sends a request as the gateway's SDK does and keeps the answer as a step. */
async function send(r: Run, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Step> {
  let res: Response;
  try {
    res = await fetch(`${r.client.url}${path}`, { method, headers, body, redirect: 'manual' });
  } catch (err) {
    throw new TollgateError('validation', `cannot reach ${r.client.url}: ${(err as Error).message}`);
  }
  const step = { request: `${method} ${path}`, status: res.status, body: await res.text() };
  r.steps.push(step);
  return step;
}

function json(step: Step): Json {
  try {
    return JSON.parse(step.body) as Json;
  } catch {
    throw new TollgateError('invalid_state', `${step.request} answered HTTP ${step.status} with no JSON: ${oneLine(step.body, 200)}`);
  }
}

function keys<W extends Wire>(r: Run, wire: W): CredentialSet[W] {
  return r.keys[wire] as CredentialSet[W];
}

/** Moves the integration's sandbox clock, so the timers the scenario started fire now. */
async function advance(r: Run, seconds: number): Promise<void> {
  await r.client.post(`/api/integrations/${r.integrationId}/sandbox/advance`, { seconds });
}

// Paynow Zimbabwe: form posts hashed with SHA-512 over the values in order, as every SDK hashes them.

function zwPost(r: Run, path: string, extra: Array<[string, string]>): Promise<Step> {
  const k = keys(r, 'paynowZw');
  const pairs = signPairs(
    [
      ['id', String(k.integrationId)],
      ['reference', r.reference],
      ['amount', '10.00'],
      ['additionalinfo', 'tollgate trigger'],
      ['returnurl', 'https://shop.example/return'],
      ['resulturl', r.resultUrl],
      ['authemail', r.email],
      ...extra,
      ['status', 'Message'],
    ],
    k.integrationKey,
  );
  const body = pairs.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&');
  return send(r, 'POST', path, { 'content-type': 'application/x-www-form-urlencoded' }, body);
}

// Paynow.pl v3: compact JSON signed with HMAC-SHA256 over headers, parameters and body (spec §5.2), as the PHP SDK signs.

function plSend(r: Run, method: string, path: string, body: Json): Promise<Step> {
  const k = keys(r, 'paynowPl').sandbox;
  const raw = JSON.stringify(body);
  const idempotencyKey = randomUUID();
  return send(r, method, path, {
    'Api-Key': k.apiKey,
    'Idempotency-Key': idempotencyKey,
    Signature: signV3(k.signatureKey, k.apiKey, idempotencyKey, [], raw),
    Accept: 'application/json',
    'Content-Type': 'application/json',
  }, raw);
}

async function plCreate(r: Run, extra: Json): Promise<string> {
  const step = await plSend(r, 'POST', '/v3/payments', { amount: 4500, currency: 'PLN', externalId: r.reference, description: 'tollgate trigger', buyer: { email: r.email }, ...extra });
  const id = json(step).paymentId;
  if (step.status !== 201 || typeof id !== 'string') throw new TollgateError('invalid_state', `POST /v3/payments answered HTTP ${step.status}: ${oneLine(step.body, 200)}`);
  return id;
}

// PayDunya: JSON with the three keys in headers, as the SDKs send it, on the sandbox base.

const PD = '/sandbox-api/v1';

function pdPost(r: Run, path: string, body: Json): Promise<Step> {
  const k = keys(r, 'paydunya');
  return send(r, 'POST', `${PD}${path}`, { 'PAYDUNYA-MASTER-KEY': k.masterKey, 'PAYDUNYA-PRIVATE-KEY': k.test.privateKey, 'PAYDUNYA-TOKEN': k.test.token, 'Content-Type': 'application/json' }, JSON.stringify(body));
}

function pdInvoice(r: Run, total: number): Json {
  return {
    invoice: { items: { item_0: { name: 'Ticket', quantity: 1, unit_price: total, total_price: total } }, total_amount: total, description: `tollgate trigger ${r.reference}` },
    store: { name: 'Tollgate trigger' },
    custom_data: { reference: r.reference },
    actions: { callback_url: r.resultUrl, return_url: 'https://shop.example/return', cancel_url: 'https://shop.example/cancel' },
  };
}

function pdOk(step: Step): Json {
  const body = json(step);
  if (body.response_code !== '00') throw new TollgateError('invalid_state', `${step.request} answered ${oneLine(step.body, 200)}`);
  return body;
}

/** A fictitious PayDunya customer of the integration who can pay `amount` francs from their wallet. */
async function walletCustomer(r: Run, amount: number): Promise<string> {
  const list = listOf<Json>(await r.client.get(`/api/integrations/${r.integrationId}/customers`));
  const rich = list.find((c) => c.currency === 'XOF' && typeof c.balance === 'number' && c.balance >= amount);
  if (rich) return String(rich.email);
  const email = `awa.${r.reference}@example.sn`;
  await r.client.post(`/api/integrations/${r.integrationId}/customers`, { name: 'Awa Diop', email, phone: `77${String(Date.now()).slice(-7)}`, balance: 100_000, currency: 'XOF' });
  return email;
}

/** The payment a run made: the newest of the integration's with the run's reference (PayDunya: in its description). */
async function paymentOf(r: Run): Promise<Json | undefined> {
  const list = listOf<Json>(await r.client.get(`/api/integrations/${r.integrationId}/payments?limit=50`));
  return list.find((p) => p.reference === r.reference || (typeof p.description === 'string' && p.description.endsWith(r.reference)));
}

async function paymentIdOf(r: Run): Promise<string> {
  const p = await paymentOf(r);
  if (!p) throw new TollgateError('invalid_state', `the payment of ${r.reference} was not stored`);
  return String(p.id);
}

/** An EcoCash express checkout whose test phone decides the outcome once the clock has moved. */
function zwExpress(ends: 'paid' | 'failed', phone: string, seconds: number, why: string): Scenario {
  return {
    name: `paynow-zw.express.${ends}`,
    does: `EcoCash express checkout with test phone ${phone}; the sandbox clock moves ${seconds} s: ${why}`,
    wire: 'paynowZw',
    ends,
    async run(r) {
      await zwPost(r, '/interface/remotetransaction', [['phone', phone], ['method', 'ecocash']]);
      await advance(r, seconds);
    },
  };
}

/** A White Label BLIK payment whose sandbox code decides the outcome once the clock has moved. */
function blik(outcome: 'paid' | 'rejected', code: string, why: string): Scenario {
  return {
    name: `paynow-pl.blik.${outcome}`,
    does: `White Label BLIK with code ${code}: PENDING; the sandbox clock moves 10 s, ${why}`,
    wire: 'paynowPl',
    ends: outcome === 'paid' ? 'paid' : 'failed',
    async run(r) {
      await plCreate(r, { paymentMethodId: 2007, authorizationCode: code });
      await advance(r, 10);
    },
  };
}

/** Named scenarios, each through the real wire of its gateway, signed as an SDK signs, with the sandbox's documented magic values. */
export const SCENARIOS: Scenario[] = [
  zwExpress('paid', '0771111111', 10, 'it is paid'),
  zwExpress('failed', '0773333333', 40, 'the customer cancelled on the phone'),
  {
    name: 'paynow-zw.express.insufficient-balance',
    does: 'EcoCash express checkout with test phone 0774444444: refused with "Insufficient balance", nothing stored',
    wire: 'paynowZw',
    ends: null,
    answers: /Insufficient\+balance|Insufficient%20balance|Insufficient balance/,
    async run(r) {
      await zwPost(r, '/interface/remotetransaction', [['phone', '0774444444'], ['method', 'ecocash']]);
    },
  },
  {
    name: 'paynow-zw.web.cancelled',
    does: 'web checkout initiated; the customer cancels (the sandbox control a checkout click is)',
    wire: 'paynowZw',
    ends: 'cancelled',
    async run(r) {
      await zwPost(r, '/interface/initiatetransaction', []);
      await r.client.post(`/api/payments/${await paymentIdOf(r)}/sandbox/complete`, { outcome: 'cancelled' });
    },
  },
  blik('paid', '111111', 'so it is CONFIRMED'),
  blik('rejected', '333336', 'and the bank rejects it (REJECTED)'),
  {
    name: 'paynow-pl.pbl.failed',
    does: 'pay-by-link (iPKO) of 9999.99 PLN, the amount every bank but mTransfer fails; the customer pays on the paywall: REJECTED',
    wire: 'paynowPl',
    ends: 'failed',
    async run(r) {
      await plCreate(r, { amount: 999_999, paymentMethodId: 2031 });
      // The paywall's bank step, as its form submits it.
      await r.client.post(`/api/payments/${await paymentIdOf(r)}/pay`, { method: 'pay_by_link' });
    },
  },
  {
    name: 'paynow-pl.refund',
    does: 'White Label BLIK 111111 CONFIRMED, then refunded in full (POST /v3/payments/{id}/refunds); the clock moves 10 s: SUCCESSFUL',
    wire: 'paynowPl',
    ends: 'refunded',
    answers: /"refundId":"R/,
    async run(r) {
      const id = await plCreate(r, { paymentMethodId: 2007, authorizationCode: '111111' });
      await advance(r, 10);
      await plSend(r, 'POST', `/v3/payments/${id}/refunds`, { amount: 4500, reason: 'OTHER' });
      await advance(r, 10);
    },
  },
  {
    name: 'paydunya.invoice.completed',
    does: 'checkout invoice of 5000 XOF; the customer pays by Orange Money Senegal (SOFTPAY push to 771234567); the clock moves 10 s: completed',
    wire: 'paydunya',
    ends: 'paid',
    answers: /"status":"completed"/,
    async run(r) {
      const token = String(pdOk(await pdPost(r, '/checkout-invoice/create', pdInvoice(r, 5000))).token);
      await pdPost(r, '/softpay/orange-money-senegal', { customer_name: 'Awa Diop', customer_email: 'awa@example.sn', phone_number: '771234567', invoice_token: token });
      await advance(r, 10);
      const k = keys(r, 'paydunya');
      await send(r, 'GET', `${PD}/checkout-invoice/confirm/${token}`, { 'PAYDUNYA-MASTER-KEY': k.masterKey, 'PAYDUNYA-PRIVATE-KEY': k.test.privateKey, 'PAYDUNYA-TOKEN': k.test.token });
    },
  },
  {
    name: 'paydunya.opr.wrong-code',
    does: 'on-site payment (OPR) from a fictitious customer\'s wallet, charged with the wrong code 56Y8: refused (4003), the invoice still pending',
    wire: 'paydunya',
    ends: 'created',
    answers: /"response_code":"4003"/,
    async run(r) {
      const alias = await walletCustomer(r, 3000);
      const created = pdOk(await pdPost(r, '/opr/create', { invoice_data: pdInvoice(r, 3000), opr_data: { account_alias: alias } }));
      await pdPost(r, '/opr/charge', { token: created.token, confirm_token: '56Y8' });
    },
  },
];

function keysOf(io: CliIo, client: RemoteClient, file: string | undefined, wire: Wire): Partial<CredentialSet> {
  const source = file ?? io.env.TOLLGATE_KEYS;
  const creds = (source ? readKeysFile(source).credentials : client.profile?.credentials) as Partial<CredentialSet> | undefined;
  if (!creds?.[wire]) {
    throw new TollgateError('validation', `trigger signs as an SDK does and needs the integration's ${WIRE_NAMES[wire]} keys: --keys FILE (integration create --json, or serve --ephemeral's line), TOLLGATE_KEYS, or tollgate login --keys`);
  }
  return creds;
}

export function registerTriggerCommand(program: Command, io: CliIo): void {
  remoteCommand(program.command('trigger').description('run a named scenario through the real wire; --list shows them').argument('[scenario]', 'e.g. paynow-zw.express.paid'))
    .option('--list', 'list the scenarios and what each does')
    .option('--integration <id>', 'integration id (int_…)')
    .option('--keys <file>', "the integration's credentials (integration create --json)")
    .option('--result-url <url>', 'where its notifications go (Paynow Zimbabwe resulturl, PayDunya callback_url)', 'https://shop.example/tollgate-trigger')
    .action(async (name: string | undefined, o: { list?: boolean; integration?: string; keys?: string; resultUrl: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      if (o.list || name === undefined) {
        const list = SCENARIOS.map((s) => ({ name: s.name, does: s.does, ends: s.ends }));
        print(io, opts, { data: list }, () => list.map((s) => `${s.name.padEnd(40)} ${s.does}`));
        return;
      }
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) throw new TollgateError('validation', `no scenario "${name}": tollgate trigger --list shows them`);
      const client = remoteClient(io, opts);
      const keys = keysOf(io, client, o.keys, scenario.wire);
      const integrationId = await client.integrationId(o.integration, io.env);
      const me = await client.get<{ merchant?: { email?: string } }>('/api/me');
      const run: Run = { client, integrationId, keys, email: me.merchant?.email ?? '', reference: `trigger-${randomBytes(5).toString('hex')}`, resultUrl: o.resultUrl, steps: [] };
      await scenario.run(run);
      const found = await paymentOf(run);
      const detail = found ? await client.get<{ payment: Json; refunds?: Json[] }>(`/api/payments/${found.id}`) : undefined;
      const payment = detail?.payment ?? null;
      const refunds = detail?.refunds ?? [];
      const deliveries = payment ? listOf<Json>(await client.get(`/api/integrations/${integrationId}/deliveries?paymentId=${payment.id}`)) : [];
      const answer = run.steps[run.steps.length - 1]?.body ?? '';
      const reached = (scenario.ends === null ? payment === null : payment?.state === scenario.ends) && (scenario.answers?.test(answer) ?? true);
      print(io, opts, { scenario: scenario.name, expected: scenario.ends, reached, answer, steps: run.steps, payment, refunds, deliveries }, () => [
        `${scenario.name}: ${reached ? 'ended as expected' : 'did NOT end as expected'} (${scenario.ends ?? 'refused, nothing stored'})`,
        ...run.steps.map((s) => `  ${s.request} → ${s.status}  ${oneLine(s.body, 160)}`),
        ...(payment ? [`  ${paymentLine(payment)}`] : []),
        ...refunds.map((f) => `  refund ${f.id}  ${f.status}  ${moneyText(f)}`),
        ...deliveries.map((d) => `  ${deliveryLine(d)}`),
      ]);
      if (!reached) throw new TollgateError('invalid_state', `${scenario.name} did not end in ${scenario.ends ?? 'a refusal'}${payment ? ` (the payment is ${payment.state})` : ''}`);
    });
}
