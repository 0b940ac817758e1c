import type { Logger } from 'pino';
import type { ServiceDeps } from '../../services/deps.js';
import type { JobKind, JobPayload } from '../../services/jobs.js';
import type { Tx } from '../../store/schema.js';
import type { HttpSender } from '../http-sender.js';

export interface HandlerContext {
  deps: ServiceDeps;
  http: HttpSender;
  log: Logger;
  onDelivery(outcome: 'delivered' | 'retry' | 'failed'): void;
}

/**
 * What a job asks for after running: to be removed, or to run again at a time; and what it learned
 * (`record`), written in the same transaction as that, so the two commit together.
 */
export type JobResult = ({ done: true } | { done: false; runAt: number; error: string | null }) & { record?: (tx: Tx) => Promise<void> };

export type Handler<K extends JobKind> = (ctx: HandlerContext, payload: JobPayload<K>) => Promise<JobResult>;
export type Handlers = { [K in JobKind]: Handler<K> };

export const DONE: JobResult = { done: true };
