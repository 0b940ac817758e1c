import type { MerchantId } from '../../core/ids.js';
/**
 * A merchant's payout schedule (seed 001): immediately or once a day, a minimum per currency below which
 * a balance waits, and the payout account (bank or mobile money, checked for shape, kept encrypted).
 * Setting one also makes sure the recurring payout job exists, in the same transaction.
 */
import { type FieldIssue, TollgateError } from '../../core/errors.js';
import { normalisePayoutAccount, type PayoutAccount, payoutAccountIssues } from '../../core/payout-account.js';
import { deletePayoutSchedule, ensureJob, findPayoutSchedule, type PayoutScheduleRow, upsertPayoutSchedule } from '../../store/repos/payout-schedules.js';
import type { ServiceDeps } from '../deps.js';
import { RECURRING_JOB_IDS } from '../jobs.js';

export type { PayoutAccount };
export type PayoutFrequency = 'immediate' | 'daily';

/** Below this, a balance without a minimum of its own waits for the next run (minor units). */
export const MINIMUM_PAYOUT_MINOR = 100;
/** How often the recurring job looks for due payouts: "immediately" means within this. */
export const PAYOUT_TICK_MS = 10_000;
const DAY_MS = 86_400_000;

export interface PayoutSchedule {
  frequency: PayoutFrequency;
  minimums: { currency: string; amountMinor: number }[];
  account: PayoutAccount;
  /** A daily schedule's next run (00:00 UTC); null for immediate. */
  nextRunAt: number | null;
  updatedAt: number;
}

export interface PayoutScheduleInput {
  frequency: PayoutFrequency;
  minimums?: { currency: string; amountMinor: number }[] | undefined;
  account: PayoutAccount;
}

/** The next 00:00 UTC after `now`: daily payouts run then. */
export const nextDailyRun = (now: number) => Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;

/** The minimum a balance of `currency` must reach under a schedule (or without one). */
export function minimumFor(schedule: Pick<PayoutSchedule, 'minimums'> | undefined, currency: string): number {
  return schedule?.minimums.find((m) => m.currency === currency)?.amountMinor ?? MINIMUM_PAYOUT_MINOR;
}

export function scheduleView(deps: Pick<ServiceDeps, 'keyring'>, row: PayoutScheduleRow): PayoutSchedule {
  return { frequency: row.frequency, minimums: row.minimums, account: JSON.parse(deps.keyring.decrypt(row.accountEncrypted)) as PayoutAccount, nextRunAt: row.nextRunAt, updatedAt: row.updatedAt };
}

function minimumIssues(minimums: PayoutScheduleInput['minimums']): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  (minimums ?? []).forEach((m, i) => {
    if (!/^[A-Z]{3}$/.test(m.currency)) issues.push({ path: `minimums.${i}.currency`, message: 'must be a three-letter currency code' });
    else if (seen.has(m.currency)) issues.push({ path: `minimums.${i}.currency`, message: 'has a minimum already' });
    seen.add(m.currency);
    if (!Number.isSafeInteger(m.amountMinor) || m.amountMinor < 0) issues.push({ path: `minimums.${i}.amount`, message: 'must be a whole, non-negative number of minor units' });
  });
  return issues;
}

/** Sets (or replaces) the merchant's schedule; a bad account or minimum changes nothing and names its field. */
export async function setPayoutSchedule(deps: ServiceDeps, merchantId: MerchantId, input: PayoutScheduleInput): Promise<PayoutSchedule> {
  const account = normalisePayoutAccount(input.account);
  const issues = [...payoutAccountIssues(account), ...minimumIssues(input.minimums)];
  if (issues.length > 0) throw new TollgateError('validation', issues.map((i) => `${i.path} ${i.message}`).join('; '), issues);
  const now = deps.clock.now();
  const minimums = [...(input.minimums ?? [])].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  const nextRunAt = input.frequency === 'daily' ? nextDailyRun(now) : null;
  await deps.store.transaction(async (tx) => {
    await upsertPayoutSchedule(tx, { merchant_id: merchantId, frequency: input.frequency, minimums: JSON.stringify(minimums), account: deps.keyring.encrypt(JSON.stringify(account)), next_run_at: nextRunAt, created_at: now, updated_at: now });
    await ensureJob(tx, { id: RECURRING_JOB_IDS.payoutTick, kind: 'payout_tick', payload: '{}', integration_id: null, run_at: now, attempts: 0, locked_until: null, lease_owner: null, last_error: null, created_at: now });
  });
  return { frequency: input.frequency, minimums, account, nextRunAt, updatedAt: now };
}

export async function getPayoutSchedule(deps: ServiceDeps, merchantId: MerchantId): Promise<PayoutSchedule | null> {
  const row = await findPayoutSchedule(deps.store.db, merchantId);
  return row ? scheduleView(deps, row) : null;
}

/** Without a schedule, balances are paid out only by the operator's `payouts run`. */
export async function removePayoutSchedule(deps: ServiceDeps, merchantId: MerchantId): Promise<void> {
  if (!(await deps.store.transaction((tx) => deletePayoutSchedule(tx, merchantId)))) throw new TollgateError('not_found', 'no payout schedule is set');
}
