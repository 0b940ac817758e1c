import type { IntegrationId, MerchantId, PaymentId, PayoutId } from '../../core/ids.js';
/** What a merchant reads of their money: ledger entries with cursor paging and filters, CSV, payouts; an operator's mark of a payout. */
import { csvLine } from '../../core/csv.js';
import { TollgateError } from '../../core/errors.js';
import { findPayout, type Payout, type PayoutFilter, type PayoutStatus } from '../../store/repos/payouts.js';

export type { Payout, PayoutStatus };
import { type LedgerEntry, listEntries } from '../../store/repos/ledger.js';
import { listPayouts, payoutPage, payoutPayments } from '../../store/repos/payouts.js';
import type { ServiceDeps } from '../deps.js';
import { decodeCursor as decodePageCursor, type Page, type PageRequest, pageOf } from '../paging.js';
import { requireIntegration } from './access.js';
import { finishPayout } from './payouts.js';

export interface EntryFilter {
  mode?: 'test' | 'live';
  currency?: string;
  kind?: string;
  account?: string;
  cursor?: string;
  limit: number;
}

function decodeCursor(cursor: string): { at: number; tx: string; seq: number } {
  const [at, tx, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !tx || !seq || !/^\d+$/.test(at) || !/^\d+$/.test(seq)) throw new TollgateError('validation', 'the cursor is not one this API handed out', [{ path: 'cursor', message: 'invalid' }]);
  return { at: Number(at), tx, seq: Number(seq) };
}

const encodeCursor = (e: LedgerEntry) => Buffer.from(`${e.createdAt}|${e.transactionId}|${e.seq}`, 'utf8').toString('base64url');

/** One page of an integration's entries, newest first; nextCursor only when more exist. */
export async function ledgerEntries(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, f: EntryFilter): Promise<Page<LedgerEntry>> {
  await requireIntegration(deps, merchantId, integrationId);
  const rows = await listEntries(deps.store.db, integrationId, {
    ...(f.mode && { mode: f.mode }),
    ...(f.currency && { currency: f.currency }),
    ...(f.kind && { kind: f.kind }),
    ...(f.account && { accountKind: f.account }),
    ...(f.cursor && { before: decodeCursor(f.cursor) }),
    limit: f.limit + 1,
  });
  const data = rows.slice(0, f.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > f.limit && last ? encodeCursor(last) : null };
}

/** Every entry matching the filter as CSV, one line per posting, oldest last as listed. */
export async function ledgerCsv(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, f: Omit<EntryFilter, 'cursor' | 'limit'>): Promise<string> {
  const lines = [csvLine(['created_at', 'transaction_id', 'seq', 'kind', 'ref_id', 'account', 'mode', 'currency', 'amount_minor'])];
  for (let cursor: string | null | undefined; ; ) {
    const page = await ledgerEntries(deps, merchantId, integrationId, { ...f, ...(cursor && { cursor }), limit: 1000 });
    for (const e of page.data) lines.push(csvLine([new Date(e.createdAt).toISOString(), e.transactionId, e.seq, e.kind, e.refId, e.accountId, e.mode, e.currency, e.amountMinor]));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return lines.join('');
}

/** A page of payouts, newest first. */
export async function payoutsPage(deps: ServiceDeps, filter: PayoutFilter, req: PageRequest): Promise<Page<Payout>> {
  const rows = await payoutPage(deps.store.db, filter, decodePageCursor(req.cursor), req.limit);
  return pageOf(rows, req.limit, (p) => ({ at: p.createdAt, id: p.id }), (p) => p);
}

export async function integrationPayouts(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, filter: Omit<PayoutFilter, 'integrationId' | 'merchantId'>, req: PageRequest): Promise<Page<Payout>> {
  await requireIntegration(deps, merchantId, integrationId);
  return payoutsPage(deps, { ...filter, integrationId }, req);
}

/** One payout of the merchant's integration and the payments it settles (released ones too: a failed payout lists what it would have settled). */
export async function payoutDetail(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, payoutId: PayoutId): Promise<{ payout: Payout; payments: { paymentId: PaymentId; amountMinor: number; released: boolean }[] }> {
  await requireIntegration(deps, merchantId, integrationId);
  const payout = await findPayout(deps.store.db, payoutId);
  if (!payout || payout.integrationId !== integrationId) throw new TollgateError('not_found', `payout ${payoutId} not found`);
  return { payout, payments: await payoutPayments(deps.store.db, payoutId) };
}

export function allPayouts(deps: ServiceDeps, filter: { status?: PayoutStatus; integrationId?: IntegrationId }): Promise<Payout[]> {
  return listPayouts(deps.store.db, filter);
}

/** The operator marks a payout paid or failed once (a failed payout's money returns to available). */
export async function markPayout(deps: ServiceDeps, payoutId: PayoutId, to: 'paid' | 'failed'): Promise<Payout> {
  const payout = await findPayout(deps.store.db, payoutId);
  if (!payout) throw new TollgateError('not_found', `payout ${payoutId} not found`);
  const moved = await deps.store.transaction((tx) => finishPayout(tx, deps, payout, to));
  if (!moved) throw new TollgateError('invalid_state', `the payout is already ${payout.status}`);
  return (await findPayout(deps.store.db, payoutId)) as Payout;
}
