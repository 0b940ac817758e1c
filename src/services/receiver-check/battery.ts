/**
 * The receiver conformance check (`tollgate check-receiver`): a battery of notifications sent straight
 * to a developer's endpoint, no gateway involved (so it runs in CI), judged only by the HTTP answer.
 * The contract a receiver must keep, on every wire:
 * - a valid notification, a duplicate of it, an older one after a newer one (out of order) and one of
 *   a payment it never created are acknowledged or refused, never a 5xx or a dropped connection;
 *   the valid one and its duplicate with a 2xx;
 * - a notification whose signature or hash is wrong is refused with a non-2xx answer (the only refusal
 *   the sender can see; Paynow Zimbabwe ignores the answer, but a receiver that answers 2xx there has
 *   most likely acted on it);
 * - a stale one (a Standard Webhooks timestamp outside its 5-minute tolerance, native only) is refused;
 * - every answer comes within the latency limit.
 */

/** One payment's state as a notification tells it. */
export type NotifiedState = 'pending' | 'paid';

export interface NotificationSpec {
  reference: string;
  state: NotifiedState;
  amountMinor: number;
  /** When the change happened (a signed timestamp on the wires that have one). */
  at: number;
  /** Sign with a key the receiver does not hold. */
  badSignature?: boolean;
}

/** How one wire writes and signs a notification, with the key the developer's receiver holds. */
export interface ReceiverWire {
  dialect: string;
  /** The request to POST. */
  build(n: NotificationSpec): { headers: Record<string, string>; body: string };
  /** Whether the wire signs a timestamp (and so a stale notification can be told from a fresh one). */
  signsTime: boolean;
}

export type CheckName = 'valid' | 'duplicate' | 'out-of-order' | 'stale' | 'wrong-signature' | 'unknown-payment' | 'slow-answer';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  /** What was sent and what came back, or why it is wrong. */
  reason: string;
  status: number | null;
  latencyMs: number;
}

interface Answer {
  status: number | null;
  error: string | null;
  latencyMs: number;
}

export interface BatteryOptions {
  url: string;
  wire: ReceiverWire;
  /** An answer slower than this fails `slow-answer` (and is cut off at twice it). */
  maxLatencyMs: number;
  now: () => number;
  /** Tells this run's payment references apart from another's. */
  runId: string;
}

async function post(url: string, request: { headers: Record<string, string>; body: string }, cutOffMs: number): Promise<Answer> {
  const start = performance.now();
  try {
    const r = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(cutOffMs) });
    await r.arrayBuffer();
    return { status: r.status, error: null, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    const e = err as Error;
    return { status: null, error: e.name === 'TimeoutError' ? `no answer within ${cutOffMs} ms` : (e.cause as Error | undefined)?.message ?? e.message, latencyMs: Math.round(performance.now() - start) };
  }
}

const is2xx = (s: number | null) => s !== null && s >= 200 && s < 300;
const said = (a: Answer) => (a.status === null ? (a.error ?? 'no answer') : `HTTP ${a.status}`);

/** Acknowledged or refused, but neither crashed nor dropped. */
function handled(check: CheckName, a: Answer, what: string): CheckResult {
  const ok = a.status !== null && a.status < 500;
  return { check, ok, status: a.status, latencyMs: a.latencyMs, reason: ok ? `${what}: answered ${said(a)}` : `${what}: answered ${said(a)}; a receiver must not fail on it (the gateway would retry it for days)` };
}

/** Runs every check in order, one request at a time; never throws for what the receiver does. */
export async function checkReceiver(o: BatteryOptions): Promise<CheckResult[]> {
  const cutOff = o.maxLatencyMs * 2;
  const send = (n: NotificationSpec) => post(o.url, o.wire.build(n), cutOff);
  const ref = (name: string) => `check-${o.runId}-${name}`;
  const results: CheckResult[] = [];
  const latencies: number[] = [];
  const record = (r: CheckResult) => {
    results.push(r);
    latencies.push(r.latencyMs);
  };

  const paid: NotificationSpec = { reference: ref('a'), state: 'paid', amountMinor: 1050, at: o.now() };
  const first = await send(paid);
  record({ check: 'valid', ok: is2xx(first.status), status: first.status, latencyMs: first.latencyMs, reason: is2xx(first.status) ? `a correctly signed "paid" notification: answered ${said(first)}` : `a correctly signed "paid" notification: answered ${said(first)}; it must be acknowledged with a 2xx (is the key the one the check signs with?)` });

  const again = await send(paid);
  record({ check: 'duplicate', ok: is2xx(again.status), status: again.status, latencyMs: again.latencyMs, reason: is2xx(again.status) ? `the same notification again: answered ${said(again)}` : `the same notification again: answered ${said(again)}; gateways deliver twice, a duplicate must be acknowledged with a 2xx and change nothing` });

  const newer = await send({ reference: ref('b'), state: 'paid', amountMinor: 2000, at: o.now() });
  const older = await send({ reference: ref('b'), state: 'pending', amountMinor: 2000, at: o.now() - 60_000 });
  const order = handled('out-of-order', older, '"pending" after "paid" for the same payment');
  if (!is2xx(newer.status)) Object.assign(order, { ok: false, reason: `the "paid" notification before it was not acknowledged: ${said(newer)}` });
  record(order);

  if (o.wire.signsTime) {
    const stale = await send({ reference: ref('c'), state: 'paid', amountMinor: 1000, at: o.now() - 10 * 60_000 });
    const ok = stale.status !== null && !is2xx(stale.status) && stale.status < 500;
    record({ check: 'stale', ok, status: stale.status, latencyMs: stale.latencyMs, reason: ok ? `signed 10 minutes ago: refused with ${said(stale)}` : `signed 10 minutes ago: answered ${said(stale)}; a timestamp outside the 5-minute tolerance must be refused with a 4xx (a replay)` });
  } else {
    const replay = await send(paid);
    record(handled('stale', replay, 'the first notification replayed later (this wire signs no time)'));
  }

  const forged = await send({ ...paid, reference: ref('d'), badSignature: true });
  const refused = forged.status !== null && !is2xx(forged.status);
  record({ check: 'wrong-signature', ok: refused, status: forged.status, latencyMs: forged.latencyMs, reason: refused ? `signed with another key: refused with ${said(forged)}` : `signed with another key: answered ${said(forged)}; a notification whose signature or hash is wrong must be refused with a non-2xx answer` });

  const unknown = await send({ reference: ref('never-created'), state: 'paid', amountMinor: 999, at: o.now() });
  record(handled('unknown-payment', unknown, 'a payment the receiver never created'));

  const slowest = Math.max(...latencies);
  const fast = slowest <= o.maxLatencyMs;
  results.push({ check: 'slow-answer', ok: fast, status: null, latencyMs: slowest, reason: fast ? `slowest answer ${slowest} ms (limit ${o.maxLatencyMs} ms)` : `slowest answer ${slowest} ms, over the ${o.maxLatencyMs} ms limit: answer first, work after (gateways time out and send again)` });
  return results;
}
