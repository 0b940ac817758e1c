import type { Logger } from 'pino';
import type { Keyring } from '../core/crypto.js';
import { type MailTransport, sendDueMail } from '../services/mail/sender.js';
import type { Store } from '../store/database.js';

export interface Worker {
  start(): void;
  /** Stops claiming work and waits for the current tick to finish. */
  stop(): Promise<void>;
  /** Runs one pass now; tests and the sandbox clock use it. */
  tick(): Promise<void>;
}

export interface WorkerDeps {
  store: Store;
  keyring: Keyring;
  log: Logger;
  now: () => number;
  /** Without SMTP, mail stays in the outbox for `tollgate mail list`. */
  mailTransport: MailTransport | undefined;
  intervalMs?: number;
}

/** The background loop. Everything it does is a row in the database, so a restart resumes it. */
export function createWorker(deps: WorkerDeps): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const tick = async (): Promise<void> => {
    if (deps.mailTransport) {
      await sendDueMail({ store: deps.store, keyring: deps.keyring, transport: deps.mailTransport }, deps.now());
    }
  };

  const loop = (): void => {
    if (stopped) return;
    running = tick()
      .catch((err: unknown) => deps.log.error({ err }, 'worker tick failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, deps.intervalMs ?? 1000);
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
    tick,
  };
}
