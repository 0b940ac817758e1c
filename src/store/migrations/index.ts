import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-payments.js';
import * as m0003 from './0003-wire-lookups.js';
import * as m0004 from './0004-shop-urls-and-payouts.js';
import * as m0005 from './0005-disbursements.js';
import * as m0006 from './0006-request-log-batches.js';
import * as m0007 from './0007-password-resets.js';
import * as m0008 from './0008-request-log-bounds.js';
import * as m0009 from './0009-checkout-capability.js';
import * as m0010 from './0010-ledger.js';
import * as m0011 from './0011-sign-at-send.js';
import * as m0012 from './0012-payout-schedules.js';
import * as m0014 from './0014-merchant-disable.js';
import * as m0016 from './0016-listen-forwards.js';
import * as m0017 from './0017-notification-faults.js';
import * as m0018 from './0018-ledger-deltas.js';
import * as m0024 from './0024-request-rates.js';

/** Every migration, in order. Names sort; the Migrator refuses them out of order. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-payments': m0002,
  '0003-wire-lookups': m0003,
  '0004-shop-urls-and-payouts': m0004,
  '0005-disbursements': m0005,
  '0006-request-log-batches': m0006,
  '0007-password-resets': m0007,
  '0008-request-log-bounds': m0008,
  '0009-checkout-capability': m0009,
  '0010-ledger': m0010,
  '0011-sign-at-send': m0011,
  '0012-payout-schedules': m0012,
  '0014-merchant-disable': m0014,
  '0016-listen-forwards': m0016,
  '0017-notification-faults': m0017,
  '0018-ledger-deltas': m0018,
  '0024-request-rates': m0024,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
