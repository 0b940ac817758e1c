import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createBatcher } from '../core/batch.js';
import type { ServiceDeps } from '../services/deps.js';
import { JOB_PAYLOADS, type JobKind } from '../services/jobs.js';
import { type MailTransport, sendDueMail } from '../services/mail/sender.js';
import { claimDueJobs, countDueJobs, finishJob, type Job, renewLeases, rescheduleJob } from '../store/repos/jobs.js';
import type { Tx } from '../store/schema.js';
import { deliver } from './handlers/deliver.js';
import { ledgerFold, payoutStep, payoutTick, settle } from './handlers/money.js';
import { expire, refund, timer } from './handlers/payments.js';
import type { HandlerContext, Handlers, JobResult } from './handlers/types.js';
import type { HttpSender } from './http-sender.js';
import { KeyedLimiter, Limiter } from './limits.js';

export interface Worker {
  start(): void;
  /** Stops claiming work, gives back the jobs still waiting for a slot, and waits for those running. */
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
  /** How long a claimed job is ours; renewed every third of it while the job is in hand. */
  leaseMs?: number;
  idleMs?: number;
  /** How many jobs one claim takes at most. */
  batch?: number;
  /** Sends in flight at once, in all (Svix's worker_max_tasks). */
  concurrency?: number;
  /** Sends in flight at once to one destination (scheme, host and port). */
  perDestination?: number;
  /** How long the first finished job waits for others before their outcomes are recorded together. */
  recordLingerMs?: number;
}

const HANDLERS: Handlers = { deliver, timer, expire, refund, payout_tick: payoutTick, payout_step: payoutStep, settle, ledger_fold: ledgerFold };

/** A job its handler has run, with what it asked for. */
interface Ran {
  job: Job;
  result: JobResult;
}

/** Backoff for a job whose handler threw (a bug or a database hiccup), not for a failed delivery. */
const errorBackoff = (attempts: number) => Math.min(3_600_000, 5_000 * 2 ** Math.min(attempts, 10));
/** A job for a destination whose queue is full goes back to the table, due again after this. */
const HAND_BACK_MS = 5_000;
/** How many jobs may wait in memory for a stalled destination, in multiples of its send limit. */
const DESTINATION_QUEUE = 2;
/** A destination that has finished no send for this long is stalled: its overflow goes back to the table. */
const STALLED_MS = 1_000;
/** Outcomes recorded at most this late: delivery is not delayed, only the commit that removes the job. */
const RECORD_LINGER_MS = 50;

class Stopping extends Error {}

function destinationOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/**
 * The background loop. It claims due jobs with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL) and
 * runs each as its own task: sends are limited in all and per destination, so a silent endpoint
 * holds only its own slots. Each outcome is recorded when its job finishes (the outcomes of one
 * moment share a transaction), and a job is removed only then: a crash at any moment leaves it to
 * be claimed again when its lease runs out (a notification may go twice, never zero times).
 */
export function createWorker(w: WorkerDeps): Worker {
  const owner = `w-${process.pid}-${randomBytes(4).toString('hex')}`;
  const leaseMs = w.leaseMs ?? 60_000;
  const batch = w.batch ?? 32;
  const concurrency = w.concurrency ?? 256;
  const perDestination = w.perDestination ?? 8;
  // Jobs in hand: sending, waiting for a slot, or being recorded.
  const maxInHand = concurrency * 2;
  const { deps } = w;
  const postgres = deps.store.kind === 'postgres';
  // On SQLite a claim of its own waits for the disk on the one thread, so settles claim too. On
  // PostgreSQL a claim is a short statement of its own; inside a group it would hold its rows and
  // connection until the group commits (four workers on one queue then stalled their destinations).
  const claimInSettle = !postgres;
  const global = new Limiter(concurrency);
  const destinations = new KeyedLimiter(perDestination);
  const inHand = new Map<string, Job>();
  const tasks = new Set<Promise<void>>();
  // The previous job of each payment in hand: its notifications go one after another, in order.
  const lanes = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let renewer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let draining = 0;
  let lastDepth = 0;
  /** When jobs were last claimed (performance.now()): the idle loop does not claim again before idleMs. */
  let lastClaim = Number.NEGATIVE_INFINITY;
  const idleMs = w.idleMs ?? 200;
  const recordLingerMs = w.recordLingerMs ?? RECORD_LINGER_MS;

  const retryLater = (job: Job, err: unknown): JobResult => ({ done: false, runAt: deps.clock.now() + errorBackoff(job.attempts), error: (err as Error).message });

  const ctx: HandlerContext = {
    deps,
    http: w.http,
    log: w.log,
    onDelivery: (o) => w.metrics?.deliveryOutcome(o),
    async sendSlot(url) {
      if (stopped && draining === 0) throw new Stopping('worker stopping');
      const key = destinationOf(url);
      // A destination that answers keeps its queue in memory (bounded by maxInHand); a stalled one does not.
      if (destinations.load(key) >= perDestination * (1 + DESTINATION_QUEUE) && destinations.stalled(key, STALLED_MS)) return null;
      const releaseDestination = await destinations.acquire(key);
      try {
        const releaseGlobal = await global.acquire();
        return () => {
          releaseGlobal();
          releaseDestination();
        };
      } catch (err) {
        releaseDestination();
        throw err;
      }
    },
    // While draining (tests, the sandbox clock) the job is due again at once: the next round takes it.
    handBack: () => ({ done: false, runAt: deps.clock.now() + (draining > 0 ? 0 : HAND_BACK_MS), error: null }),
  };

  /**
   * The context of a job that follows another of its payment: it reads what it needs at once, with
   * the rest of its claim (one statement for them all), and sends only after the job before it ran.
   */
  const afterInLane = (before: Promise<unknown>): HandlerContext => ({ ...ctx, sendSlot: (url) => before.then(() => ctx.sendSlot(url)) });

  const runJob = async (job: Job, c: HandlerContext): Promise<Ran> => {
    try {
      const kind = job.kind as JobKind;
      const schema = JOB_PAYLOADS[kind];
      if (!schema) throw new Error(`unknown job kind ${job.kind}`);
      const payload = schema.parse(job.payload);
      return { job, result: await (HANDLERS[kind] as (c: HandlerContext, p: unknown, j: Job) => Promise<JobResult>)(c, payload, job) };
    } catch (err) {
      // Stopping gives the job back due at once, for whichever worker comes next.
      if (err instanceof Stopping) return { job, result: { done: false, runAt: job.runAt, error: null } };
      w.log.error({ err, job: job.id, kind: job.kind }, 'job failed; will retry');
      return { job, result: retryLater(job, err) };
    }
  };

  const write = async (tx: Tx, { job, result }: Ran): Promise<void> => {
    await result.inTx?.(tx);
    if (result.done) await finishJob(tx, job.id, owner);
    else await rescheduleJob(tx, job.id, owner, result.runAt, result.error);
  };

  /** How many jobs a claim may take now: none while stopping or draining (drain claims itself). */
  const room = (): number => (stopped || draining > 0 ? 0 : Math.min(batch, maxInHand - inHand.size));

  /**
   * Records what the jobs finished at one moment learned and removes or reschedules them, in one
   * transaction; on SQLite, when no claim was made for idleMs, that transaction also claims the jobs
   * due. If it fails, each job is settled alone, so only the one whose writes fail runs again, after
   * the error backoff.
   */
  const settle = async (ran: Ran[]): Promise<void> => {
    if (ran.length === 0) return;
    try {
      const claimed = await deps.store.transaction(async (tx) => {
        for (const r of ran) await write(tx, r);
        // At most one claim per idleMs: jobs claimed at every settle would each come back as a settle of their own.
        const limit = claimInSettle && performance.now() - lastClaim >= idleMs ? room() : 0;
        return limit > 0 ? claimDueJobs(tx, postgres, { now: deps.clock.now(), limit, owner, leaseMs }) : [];
      });
      launchAll(claimed);
      // A full batch: more may be due, claim again at once rather than after the next outcome.
      if (claimed.length === batch && !running) loop(true);
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
  // Outcomes that trickle in share a commit (on SQLite each commit waits for the disk on the one
  // thread); a drain or a stop records at once.
  const recorder = createBatcher(settle, 64, () => (stopped || draining > 0 ? 0 : recordLingerMs));

  const renewNow = async (): Promise<void> => {
    try {
      await renewLeases(deps.store.db, [...inHand.keys()], owner, deps.clock.now() + leaseMs);
    } catch (err) {
      w.log.error({ err }, 'renewing leases failed');
    }
  };

  const laneOf = (job: Job): string | null => {
    const p = job.payload as { paymentId?: unknown };
    return job.kind === 'deliver' && typeof p.paymentId === 'string' ? p.paymentId : null;
  };

  /** Runs one job as its own task and records its outcome when it finishes. */
  const launch = (job: Job): void => {
    inHand.set(job.id, job);
    if (!renewer) {
      renewer = setInterval(() => void renewNow(), Math.max(1, Math.floor(leaseMs / 3)));
      renewer.unref();
    }
    const lane = laneOf(job);
    const before = lane ? lanes.get(lane) : undefined;
    const ran = runJob(job, before ? afterInLane(before) : ctx);
    if (lane) {
      lanes.set(lane, ran);
      void ran.then(() => {
        if (lanes.get(lane) === ran) lanes.delete(lane);
      });
    }
    const task: Promise<void> = ran
      .then((r) => recorder.add(r))
      .catch((err: unknown) => w.log.error({ err, job: job.id, kind: job.kind }, 'job outcome not recorded; its lease will run out'))
      .finally(() => {
        inHand.delete(job.id);
        tasks.delete(task);
        if (inHand.size === 0 && renewer) {
          clearInterval(renewer);
          renewer = undefined;
        }
        // Room for a batch again after the hand was full: claim now rather than after the idle wait.
        if (!stopped && !running && inHand.size === maxInHand - batch) loop(true);
      });
    tasks.add(task);
  };

  const version = (j: Job) => Number((j.payload as { version?: unknown }).version ?? 0);

  /** Launches claimed jobs, a payment's in the order of its changes. */
  function launchAll(jobs: Job[]): void {
    lastClaim = performance.now();
    for (const job of jobs.sort((a, b) => version(a) - version(b))) launch(job);
  }

  /** Claims up to `limit` due jobs and launches them. */
  const claim = async (limit: number): Promise<number> => {
    const jobs = await claimDueJobs(deps.store.db, postgres, { now: deps.clock.now(), limit, owner, leaseMs });
    launchAll(jobs);
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

  /**
   * Claims while there is work due and room for it; a full batch is followed by another at once. A
   * claim for less than a batch is not repeated: with the hand nearly full, each finished job would
   * otherwise cost a claim (and on SQLite a wait for the disk) of its own.
   */
  const tick = async (): Promise<void> => {
    for (;;) {
      const limit = room();
      if (limit <= 0) return;
      if ((await claim(limit)) < batch) return;
    }
  };

  /**
   * Claims (unless `now` is false and a settle claimed within idleMs or, on SQLite, one is about to:
   * while outcomes are recorded, their transactions claim), does the housekeeping, and comes back
   * idleMs after the last claim.
   */
  function loop(now = false): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = (async () => {
      // On SQLite, outcomes waiting to be recorded mean a settle is due within the linger and claims then:
      // a claim of its own now would cost the one thread another wait for the disk.
      const settleWillClaim = claimInSettle && recorder.waiting > 0;
      if (now || (performance.now() - lastClaim >= idleMs && !settleWillClaim)) await tick();
      await housekeeping();
    })()
      .catch((err: unknown) => w.log.error({ err }, 'worker pass failed'))
      .then(() => {
        running = undefined;
        const wait = lastClaim + idleMs - performance.now();
        if (!stopped) timer = setTimeout(loop, wait > 0 ? wait : idleMs);
      });
  }

  const settled = async (): Promise<void> => {
    while (tasks.size > 0) await Promise.allSettled([...tasks]);
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
      const stopping = new Stopping('worker stopping');
      destinations.refuseWaiting(stopping);
      global.refuseWaiting(stopping);
      await settled();
    },
    async drain() {
      draining += 1;
      try {
        let total = 0;
        for (;;) {
          await settled();
          const ran = await claim(batch);
          total += ran;
          await settled();
          if (ran === 0) break;
        }
        await housekeeping();
        return total;
      } finally {
        draining -= 1;
      }
    },
  };
}
