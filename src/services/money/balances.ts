import { integrationBalance } from '../../store/repos/payments.js';
import type { ServiceDeps } from '../deps.js';

/** Today's balance: a sum computed on the fly (what the concurrency test is first run against). */
export async function merchantBalances(deps: ServiceDeps, _merchantId: string, integrationId: string) {
  return [
    { mode: 'test', currency: 'USD', availableMinor: await integrationBalance(deps.store.db, integrationId, 'test', 'USD') },
    { mode: 'test', currency: 'XOF', availableMinor: await integrationBalance(deps.store.db, integrationId, 'test', 'XOF') },
  ];
}
