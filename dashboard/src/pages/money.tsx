/** Money: balances per currency in the chosen mode, ledger entries (paged, CSV), payouts, the payout account. */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { useBalances, useMe } from '../api/queries';
import { formatMinor, formatTime, listOf } from '../api/views';
import { useChosenIntegration } from '../components/IntegrationPicker';
import { DataTable, ErrorBox, Loading, Notice, Pairs } from '../components/ui';
import { useMode } from '../state';

interface Entry {
  id?: string;
  transactionId?: string;
  kind: string;
  account: string;
  currency: string;
  amount?: number;
  amountMinor?: number;
  balanceAfter?: number;
  paymentId?: string | null;
  refId?: string | null;
  createdAt?: string | number;
  at?: string | number;
}

interface Payout {
  id: string;
  status: string;
  currency: string;
  amount?: number;
  amountMinor?: number;
  createdAt: string | number;
  paidAt?: string | number | null;
  payments?: string[];
  paymentIds?: string[];
}

export function MoneyPage(): ReactNode {
  const mode = useMode();
  const me = useMe();
  const { integration, picker, loading, error } = useChosenIntegration();
  const balances = useBalances(integration?.id);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const ledger = useQuery({
    queryKey: ['ledger', integration?.id, mode, cursor],
    enabled: !!integration,
    queryFn: async () => {
      const a = (await unwrap(api.GET('/api/integrations/{id}/ledger', { params: { path: { id: integration!.id }, query: { mode, limit: 50, ...(cursor ? { cursor } : {}) } as never } }))) as Record<string, unknown>;
      const page = listOf<Entry>(a, 'entries');
      return { data: page.data, nextCursor: page.nextCursor ?? ((a.nextCursor as string | null) ?? null) };
    },
  });
  const payouts = useQuery({
    queryKey: ['payouts', integration?.id],
    enabled: !!integration,
    queryFn: async () => listOf<Payout>(await unwrap(api.GET('/api/integrations/{id}/payouts', { params: { path: { id: integration!.id } } })), 'payouts').data,
  });
  if (loading) return <Loading what="integrations" />;
  const ecol = createColumnHelper<Entry>();
  const pcol = createColumnHelper<Payout>();
  const rows = (balances.data ?? []).filter((b) => b.mode === mode);
  const bank = me.data?.bankAccount;
  return (
    <>
      <h1>Money</h1>
      <ErrorBox error={error} />
      {picker}
      {!integration ? <Notice><Link to="/integrations/new">Create an integration</Link> to take payments.</Notice> : (
        <>
          <section aria-labelledby="bal-h">
            <h2 id="bal-h">Balances ({mode})</h2>
            {balances.isPending ? <Loading what="balances" /> : balances.error ? <ErrorBox error={balances.error} /> : rows.length === 0 ? <p className="empty">No {mode} money yet.</p> : (
              <ul className="cards">
                {rows.map((b) => (
                  <li key={b.currency} className="card">
                    <span className="card-label">{b.currency}</span>
                    <strong className="card-value">{formatMinor(b.available, b.currency)}</strong>
                    <span className="card-sub">available · pending {formatMinor(b.pending, b.currency)} · in transit {formatMinor(b.inTransit ?? 0, b.currency)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="ledger-h">
            <h2 id="ledger-h">Ledger entries</h2>
            <p>
              <a href={`/api/integrations/${integration.id}/ledger.csv?mode=${mode}`} download>Download as CSV</a>
            </p>
            {ledger.isPending ? <Loading what="ledger entries" /> : ledger.error ? <ErrorBox error={ledger.error} /> : (
              <DataTable
                caption="Ledger entries"
                empty="No ledger entries in this mode."
                data={ledger.data.data}
                columns={[
                  ecol.accessor((e) => formatTime(e.createdAt ?? e.at ?? null), { id: 'at', header: 'When' }),
                  ecol.accessor('kind', { header: 'Kind' }),
                  ecol.accessor('account', { header: 'Account' }),
                  ecol.accessor((e) => formatMinor(e.amount ?? e.amountMinor ?? 0, e.currency), { id: 'amount', header: 'Amount' }),
                  ecol.accessor((e) => e.paymentId ?? e.refId ?? '', { id: 'ref', header: 'For' }),
                ]}
              />
            )}
            <nav className="pager" aria-label="Ledger pages">
              <button type="button" className="btn btn-secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
              <button type="button" className="btn btn-secondary" disabled={!ledger.data?.nextCursor} onClick={() => ledger.data?.nextCursor && setCursors([...cursors, ledger.data.nextCursor])}>Older</button>
            </nav>
          </section>
          <section aria-labelledby="payouts-h">
            <h2 id="payouts-h">Payouts</h2>
            {payouts.isPending ? <Loading what="payouts" /> : payouts.error ? <ErrorBox error={payouts.error} /> : (
              <DataTable
                caption="Payouts"
                empty="No payouts yet. Available money is paid out on the schedule below."
                data={payouts.data}
                columns={[
                  pcol.accessor((p) => formatTime(p.createdAt), { id: 'at', header: 'Created' }),
                  pcol.accessor((p) => formatMinor(p.amount ?? p.amountMinor ?? 0, p.currency), { id: 'amount', header: 'Amount' }),
                  pcol.accessor('status', { header: 'Status' }),
                  pcol.accessor((p) => (p.payments ?? p.paymentIds ?? []).length || '—', { id: 'settles', header: 'Payments settled' }),
                ]}
              />
            )}
          </section>
        </>
      )}
      <section aria-labelledby="acct-h">
        <h2 id="acct-h">Payout schedule and account</h2>
        <p>Live payouts are made when the operator runs the day's payout file; test payouts complete at once.</p>
        {bank ? <Pairs rows={[['Bank', bank.bankName], ['Account name', bank.accountName], ['Account number', bank.accountNumber], ['Branch', bank.branch ?? '—'], ['SWIFT', bank.swift ?? '—']]} /> : <Notice tone="warn">No payout account yet: add one in <Link to="/settings">Settings</Link>, or live payouts cannot be made.</Notice>}
      </section>
    </>
  );
}
