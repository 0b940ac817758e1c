import type { Logger } from 'pino';
import type { ServiceDeps } from '../../services/deps.js';
import type { JobKind, JobPayload } from '../../services/jobs.js';
import type { Job } from '../../store/repos/jobs.js';
import type { InTx } from '../../services/in-tx.js';
import type { HttpSender } from '../http-sender.js';

export interface HandlerContext {
  deps: ServiceDeps;
  http: HttpSender;
  log: Logger;
  onDelivery(outcome: 'delivered' | 'retry' | 'failed'): void;
  /**
   * Waits for a send slot toward `url` (after the job before it of the same payment has run, then its
   * destination's slot, then a global one) and returns its release; null when that destination
   * already has a full queue, and the job should be handed back.
   */
  sendSlot(url: string): Promise<(() => void) | null>;
  /** The result that gives a job back unrun, due again shortly (its destination is saturated). */
  handBack(): JobResult;
}

/**
 * What a job asks for after running: to be removed, or to run again at a time; and what it learned
 * (`inTx`), written in the same transaction as that, so the two commit together.
 */
export type JobResult = ({ done: true } | { done: false; runAt: number; error: string | null }) & { inTx?: InTx };

/** `job.integrationId` is set for test-mode work only (it follows that integration's sandbox clock). */
export type Handler<K extends JobKind> = (ctx: HandlerContext, payload: JobPayload<K>, job: Job) => Promise<JobResult>;
export type Handlers = { [K in JobKind]: Handler<K> };

export const DONE: JobResult = { done: true };
