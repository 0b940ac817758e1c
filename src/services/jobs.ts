import { type IdGenerator, type IdKind, type IntegrationId, storedId } from '../core/ids.js';
import { z } from 'zod';
import { PAYMENT_STATES } from '../core/payment-state.js';
import { insertJobs } from '../store/repos/jobs.js';
import type { Tx } from '../store/schema.js';

/** An id in a payload our own store wrote: branded as a row's column is. */
const stored = <K extends IdKind>(kind: K) => z.string().transform((text) => storedId(kind, text));

/** Every kind of durable job, with the payload its handler expects. */
export const JOB_PAYLOADS = {
  /** Send one notification delivery. */
  deliver: z.object({ deliveryId: stored('delivery'), paymentId: z.string().optional(), version: z.number().int().optional() }),
  /** A sandbox rail's timed outcome (a test phone that pays after 5 s), valid while the payment is at `version`. */
  timer: z.object({
    paymentId: stored('payment'),
    version: z.number().int(),
    to: z.enum(PAYMENT_STATES),
    failureCode: z.string().nullable(),
    failureMessage: z.string().nullable(),
  }),
  /** The payment's validity ends. */
  expire: z.object({ paymentId: stored('payment') }),
  /** A test-mode refund moves along: new → pending → successful. */
  refund: z.object({ refundId: stored('refund'), to: z.enum(['pending', 'successful']) }),
  /** The recurring look for due payouts (one row, fixed id: services/money/payout-schedule.ts). */
  payout_tick: z.object({}),
  /** A simulated test payout moves on: pending → in_transit, then the fictitious bank's `outcome`. */
  payout_step: z.object({ payoutId: stored('payout'), to: z.enum(['in_transit', 'paid', 'failed']), outcome: z.enum(['paid', 'failed']) }),
  /** A paid payment's money moves from pending to available once the settlement delay has passed. */
  settle: z.object({ paymentId: stored('payment') }),
  /** The recurring fold of ledger credits into their accounts' running totals (one row, fixed id: migration 0018). */
  ledger_fold: z.object({}),
} as const;
export type JobKind = keyof typeof JOB_PAYLOADS;

/**
 * The gateway's recurring jobs: one row each under a fixed id, which reschedules itself rather than
 * ending. Whatever a test or a request did, these move on their own schedule.
 */
export const RECURRING_JOB_IDS = { payoutTick: 'job_payout_tick', ledgerFold: 'job_ledger_fold' } as const;
export const isRecurringJob = (id: string): boolean => (Object.values(RECURRING_JOB_IDS) as string[]).includes(id);
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_PAYLOADS)[K]>;

export interface NewJob<K extends JobKind = JobKind> {
  kind: K;
  payload: JobPayload<K>;
  runAt: number;
  /** Set for test-mode work only: it follows the integration's sandbox clock; live work never moves. */
  integrationId: IntegrationId | null;
}

/** The sandbox clock applies to test-mode work only. */
export function clockOwner(payment: { mode: 'test' | 'live'; integrationId: IntegrationId }): IntegrationId | null {
  return payment.mode === 'test' ? payment.integrationId : null;
}

export async function scheduleJobs(tx: Tx, ids: IdGenerator, jobs: NewJob[], now: number): Promise<void> {
  await insertJobs(
    tx,
    jobs.map((j) => ({
      id: ids.next('job'),
      kind: j.kind,
      payload: JSON.stringify(j.payload),
      integration_id: j.integrationId,
      run_at: j.runAt,
      attempts: 0,
      locked_until: null,
      lease_owner: null,
      last_error: null,
      created_at: now,
    })),
  );
}
