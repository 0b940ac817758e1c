import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Keyring } from '../core/crypto.js';
import type { IdGenerator } from '../core/ids.js';
import type { Store } from '../store/database.js';
import type { AuthCache } from './merchants/auth-cache.js';
import type { Formatters } from './notify/formatter.js';
import type { RequestRates } from './request-rates.js';
import type { RequestLogLimits } from './sandbox/request-log.js';

/** What every service is built from; assembled once in buildApp. */
export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly keyring: Keyring;
  /** What wire authentication reads, kept briefly; one per app. */
  readonly authCache: AuthCache;
  readonly log: Logger;
  /** Base for links put into mails and responses. */
  readonly publicUrl: string;
  /** One notification formatter per wire, handed down by buildApp. */
  readonly formatters: Formatters;
  /** Bounds of the test-mode request log; the defaults when absent (CLI contexts). */
  readonly requestLog?: RequestLogLimits;
  /** How long a paid payment's money stays pending before it is available (ms); 0 or absent: at once. */
  readonly settlementDelayMs?: number;
  /** This serving process's request counts (absent in CLI contexts, which read only what was flushed). */
  readonly requestRates?: RequestRates;
}
