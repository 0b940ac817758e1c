/**
 * `tollgate ledger verify`: every account's running total against a replay of its postings, every
 * transaction summing to zero, and every currency summing to zero across all accounts.
 */
import { accountBalances, currencyTotals, replayedBalances, unbalancedTransactions } from '../../store/repos/ledger.js';
import type { ServiceDeps } from '../deps.js';

export interface VerifyReport {
  accountsChecked: number;
  mismatches: { accountId: string; balanceMinor: number | null; replayedMinor: number }[];
  unbalancedTransactions: string[];
  unbalancedCurrencies: { currency: string; totalMinor: number }[];
  ok: boolean;
}

export async function verifyLedger(deps: Pick<ServiceDeps, 'store'>): Promise<VerifyReport> {
  const db = deps.store.db;
  const [accounts, replayed, unbalanced, totals] = [await accountBalances(db), await replayedBalances(db), await unbalancedTransactions(db), await currencyTotals(db)];
  const mismatches: VerifyReport['mismatches'] = [];
  const seen = new Set<string>();
  for (const a of accounts) {
    seen.add(a.id);
    const r = replayed.get(a.id) ?? 0;
    if (r !== a.balanceMinor) mismatches.push({ accountId: a.id, balanceMinor: a.balanceMinor, replayedMinor: r });
  }
  // Postings to an account that has no row: a total nobody keeps.
  for (const [id, r] of replayed) if (!seen.has(id)) mismatches.push({ accountId: id, balanceMinor: null, replayedMinor: r });
  const unbalancedCurrencies = totals.filter((t) => t.total !== 0).map((t) => ({ currency: t.currency, totalMinor: t.total }));
  return { accountsChecked: accounts.length, mismatches, unbalancedTransactions: unbalanced, unbalancedCurrencies, ok: mismatches.length === 0 && unbalanced.length === 0 && unbalancedCurrencies.length === 0 };
}
