import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServiceDeps } from '../services/deps.js';
import { JOB_PAYLOADS, type JobKind } from '../services/jobs.js';
import { type MailTransport, sendDueMail } from '../services/mail/sender.js';
import { claimDueJobs, countDueJobs, finishJob, type Job, rescheduleJob } from '../store/repos/jobs.js';
import type { Tx } from '../store/schema.js';
import { deliver } from './handlers/deliver.js';
import { expire, refund, timer } from './handlers/payments.js';
import type { HandlerContext, Handlers, JobResult } from './handlers/types.js';
import type { HttpSender } from './http-sender.js';

export interface Worker {
  start(): void;
  /** Stops claiming work and waits for the jobs in hand to finish. */
  stop(): Promise<void>;
  /** Runs every job due now (and the mail outbox) until none is left; tests and the sandbox clock use it. */
  drain(): Promise<number>;
}

export interface WorkerMetrics {
  deliveryOutcome(outcome: 'delivered' | 'retry' | 'failed'): void;
  queueDepth(depths: Array<{ kind: string; n: number }>): void;
}

export interface WorkerDeps {
  deps: ServiceDeps;
  http: HttpSender;
  log: Logger;
  /** Without SMTP, mail stays in the outbox for `tollgate mail list`. */
  mailTransport: MailTransport | undefined;
  metrics?: WorkerMetrics;
  /** How long a claimed job is ours; longer than the 15 s delivery timeout. */
  leaseMs?: number;
  idleMs?: number;
  batch?: number;
}

const HANDLERS: Handlers = { deliver, timer, expire, refund };

/** A job its handler has run, with what it asked for. */
interface Ran {
  job: Job;
  result: JobResult;
}

/** Backoff for a job whose handler threw (a bug or a database hiccup), not for a failed delivery. */
const errorBackoff = (attempts: number) => Math.min(3_600_000, 5_000 * 2 ** Math.min(attempts, 10));

/**
 * The background loop. It claims due jobs with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), runs
 * each kind's handler, and removes a job only after its work is recorded: a crash at any moment
 * leaves the job to be claimed again when the lease runs out (a notification may go twice, never zero).
 */
export function createWorker(w: WorkerDeps): Worker {
  const owner = `w-${process.pid}-${randomBytes(4).toString('hex')}`;
  const leaseMs = w.leaseMs ?? 60_000;
  const batch = w.batch ?? 32;
  const { deps } = w;
  const postgres = deps.store.kind === 'postgres';
  const ctx: HandlerContext = { deps, http: w.http, log: w.log, onDelivery: (o) => w.metrics?.deliveryOutcome(o) };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let lastDepth = 0;

  const retryLater = (job: Job, err: unknown): JobResult => ({ done: false, runAt: deps.clock.now() + errorBackoff(job.attempts), error: (err as Error).message });

  const runJob = async (job: Job): Promise<Ran> => {
    try {
      const kind = job.kind as JobKind;
      const schema = JOB_PAYLOADS[kind];
      if (!schema) throw new Error(`unknown job kind ${job.kind}`);
      const payload = schema.parse(job.payload);
      return { job, result: await (HANDLERS[kind] as (c: HandlerContext, p: unknown) => Promise<JobResult>)(ctx, payload) };
    } catch (err) {
      w.log.error({ err, job: job.id, kind: job.kind }, 'job failed; will retry');
      return { job, result: retryLater(job, err) };
    }
  };

  const write = async (tx: Tx, { job, result }: Ran): Promise<void> => {
    await result.record?.(tx);
    if (result.done) await finishJob(tx, job.id, owner);
    else await rescheduleJob(tx, job.id, owner, result.runAt, result.error);
  };

  /**
   * Records what the jobs of a pass learned and removes or reschedules them, all in one transaction:
   * one commit (one wait for the disk) for the pass, not one per job. If that fails, each job is
   * settled alone, so only the one whose writes fail runs again, after the error backoff.
   */
  const settle = async (ran: Ran[]): Promise<void> => {
    if (ran.length === 0) return;
    try {
      await deps.store.transaction(async (tx) => {
        for (const r of ran) await write(tx, r);
      });
    } catch (err) {
      if (ran.length > 1) {
        await Promise.all(ran.map((r) => settle([r])));
        return;
      }
      const [{ job }] = ran as [Ran];
      w.log.error({ err, job: job.id, kind: job.kind }, 'job result not recorded; will retry');
      await deps.store.transaction((tx) => write(tx, { job, result: retryLater(job, err) }));
    }
  };

  /**
   * One pass: claim a batch, run it, then settle it. Jobs run side by side, except the notifications
   * of one payment, which go one after another in the order of its changes. Returns how many jobs ran.
   */
  const pass = async (): Promise<number> => {
    const jobs = await claimDueJobs(deps.store.db, postgres, { now: deps.clock.now(), limit: batch, owner, leaseMs });
    const lanes = new Map<string, Job[]>();
    for (const job of jobs) {
      const p = job.payload as { paymentId?: unknown };
      const lane = job.kind === 'deliver' && typeof p.paymentId === 'string' ? `payment:${p.paymentId}` : job.id;
      lanes.set(lane, [...(lanes.get(lane) ?? []), job]);
    }
    const version = (j: Job) => Number((j.payload as { version?: unknown }).version ?? 0);
    const ran: Ran[] = [];
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const job of lane.sort((a, b) => version(a) - version(b))) ran.push(await runJob(job));
      }),
    );
    await settle(ran);
    return jobs.length;
  };

  const housekeeping = async (): Promise<void> => {
    const now = deps.clock.now();
    if (w.mailTransport) await sendDueMail({ store: deps.store, keyring: deps.keyring, transport: w.mailTransport }, now);
    if (w.metrics && now - lastDepth > 5_000) {
      lastDepth = now;
      w.metrics.queueDepth(await countDueJobs(deps.store.db, now));
    }
  };

  const loop = (): void => {
    if (stopped) return;
    running = (async () => {
      const ran = await pass();
      await housekeeping();
      return ran;
    })()
      .catch((err: unknown) => {
        w.log.error({ err }, 'worker pass failed');
        return 0;
      })
      .then((ran) => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, ran === batch ? 0 : (w.idleMs ?? 200));
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    async drain() {
      let total = 0;
      for (;;) {
        const ran = await pass();
        total += ran;
        if (ran === 0) break;
      }
      await housekeeping();
      return total;
    },
  };
}
