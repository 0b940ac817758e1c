import type { Logger } from 'pino';
import type { ServiceDeps } from '../../services/deps.js';
import type { JobKind, JobPayload } from '../../services/jobs.js';
import type { HttpSender } from '../http-sender.js';

export interface HandlerContext {
  deps: ServiceDeps;
  http: HttpSender;
  log: Logger;
  onDelivery(outcome: 'delivered' | 'retry' | 'failed'): void;
}

/** What a job asks for after running: to be removed, or to run again at a time. */
export type JobResult = { done: true } | { done: false; runAt: number; error: string | null };

export type Handler<K extends JobKind> = (ctx: HandlerContext, payload: JobPayload<K>) => Promise<JobResult>;
export type Handlers = { [K in JobKind]: Handler<K> };

export const DONE: JobResult = { done: true };
