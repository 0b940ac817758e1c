import type { IntegrationId, MerchantId } from '../../core/ids.js';
/** What an integration holds, read from the ledger's accounts. */
import { type AccountKey, accountId } from '../../core/ledger.js';
import { accountBalance, accountBalances } from '../../store/repos/ledger.js';
import type { ServiceDeps } from '../deps.js';
import { requireIntegration } from './access.js';

export interface Balance {
  mode: 'test' | 'live';
  currency: string;
  availableMinor: number;
  pendingMinor: number;
  inTransitMinor: number;
  feesMinor: number;
}

export function availableBalance(deps: Pick<ServiceDeps, 'store'>, account: AccountKey): Promise<number> {
  return accountBalance(deps.store.db, accountId(account));
}

/** The merchant's balances of one integration, per mode and currency. */
export async function integrationBalances(deps: Pick<ServiceDeps, 'store'>, integrationId: IntegrationId): Promise<Balance[]> {
  const out = new Map<string, Balance>();
  for (const a of await accountBalances(deps.store.db, integrationId)) {
    if (a.kind === 'world' || a.kind === 'wallet') continue;
    const k = `${a.mode}:${a.currency}`;
    const b = out.get(k) ?? { mode: a.mode, currency: a.currency, availableMinor: 0, pendingMinor: 0, inTransitMinor: 0, feesMinor: 0 };
    if (a.kind === 'available') b.availableMinor = a.balanceMinor;
    else if (a.kind === 'pending') b.pendingMinor = a.balanceMinor;
    else if (a.kind === 'in_transit') b.inTransitMinor = a.balanceMinor;
    else if (a.kind === 'fees') b.feesMinor = a.balanceMinor;
    out.set(k, b);
  }
  return [...out.values()].sort((x, y) => (x.mode + x.currency < y.mode + y.currency ? -1 : 1));
}

export async function merchantBalances(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<Balance[]> {
  await requireIntegration(deps, merchantId, integrationId);
  return integrationBalances(deps, integrationId);
}
