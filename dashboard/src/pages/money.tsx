/** Money: balances per currency in the chosen mode, ledger entries (paged, CSV), payouts with the payments they settle, the payout schedule and account. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { ApiError, api, unwrap } from '../api/client';
import type { components, paths } from '../api/schema';
import { useBalances } from '../api/queries';
import { CURRENCY_CODES, formatMinor, formatTime, type Integration, isCurrency, type LedgerEntry, parseAmount, type Payout } from '../api/views';
import { useChosenIntegration } from '../components/IntegrationPicker';
import { Busy, Choice, DataTable, ErrorBox, Field, formValues, Loading, Notice, Select, useCursors } from '../components/ui';
import { useMode } from '../state';

type PayoutSettings = components['schemas']['PayoutSettings'];
type PayoutSettingsInput = paths['/api/payout-settings']['put']['requestBody']['content']['application/json'];

export function MoneyPage(): ReactNode {
  const mode = useMode();
  const { integration, picker, loading, error } = useChosenIntegration();
  const balances = useBalances(integration?.id);
  if (loading) return <Loading what="integrations" />;
  const rows = (balances.data ?? []).filter((b) => b.mode === mode);
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
                    <span className="card-label">{b.currency} available</span>
                    <strong className="card-value">{formatMinor(b.available, b.currency)}</strong>
                    <span className="card-sub">pending {formatMinor(b.pending, b.currency)} · in transit {formatMinor(b.inTransit, b.currency)} · fees {formatMinor(b.fees, b.currency)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <Ledger integration={integration} />
          <Payouts integration={integration} />
        </>
      )}
      <PayoutSchedule />
    </>
  );
}

function Ledger({ integration }: { integration: Integration }): ReactNode {
  const mode = useMode();
  const { cursor, pager } = useCursors();
  const ledger = useQuery({
    queryKey: ['ledger', integration.id, mode, cursor],
    queryFn: () => unwrap(api.GET('/api/integrations/{id}/ledger', { params: { path: { id: integration.id }, query: { mode, limit: 50, ...(cursor ? { cursor } : {}) } } })),
  });
  const col = createColumnHelper<LedgerEntry>();
  return (
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
            col.accessor((e) => formatTime(e.createdAt), { id: 'at', header: 'When' }),
            col.accessor('kind', { header: 'Kind' }),
            col.accessor('account', { header: 'Account' }),
            col.accessor((e) => formatMinor(e.amount, e.currency), { id: 'amount', header: 'Amount' }),
            col.accessor('refId', { header: 'For', cell: (c) => (c.getValue().startsWith('pay_') ? <Link to="/payments/$id" params={{ id: c.getValue() }}>{c.getValue()}</Link> : <code>{c.getValue()}</code>) }),
          ]}
        />
      )}
      {pager('Ledger pages', ledger.data?.nextCursor)}
    </section>
  );
}

function Payouts({ integration }: { integration: Integration }): ReactNode {
  const mode = useMode();
  const [open, setOpen] = useState<string | null>(null);
  const payouts = useQuery({
    queryKey: ['payouts', integration.id, mode],
    queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/payouts', { params: { path: { id: integration.id }, query: { mode, limit: 50 } } }))).data,
  });
  const col = createColumnHelper<Payout>();
  return (
    <section aria-labelledby="payouts-h">
      <h2 id="payouts-h">Payouts</h2>
      {payouts.isPending ? <Loading what="payouts" /> : payouts.error ? <ErrorBox error={payouts.error} /> : (
        <DataTable
          caption="Payouts"
          empty="No payouts yet. Available money is paid out on the schedule below."
          data={payouts.data}
          columns={[
            col.accessor((p) => formatTime(p.createdAt), { id: 'at', header: 'Created' }),
            col.accessor((p) => formatMinor(p.amount, p.currency), { id: 'amount', header: 'Amount' }),
            col.accessor('status', { header: 'Status' }),
            col.accessor((p) => p.destination ?? '—', { id: 'to', header: 'To' }),
            col.display({
              id: 'payments',
              header: 'Payments',
              cell: (c) => (
                <button type="button" className="btn btn-secondary" aria-expanded={open === c.row.original.id} onClick={() => setOpen(open === c.row.original.id ? null : c.row.original.id)}>
                  {open === c.row.original.id ? 'Hide' : 'Show'} payments<span className="sr-only"> of the payout of {formatMinor(c.row.original.amount, c.row.original.currency)}</span>
                </button>
              ),
            }),
          ]}
        />
      )}
      {open ? <PayoutPayments integrationId={integration.id} payoutId={open} /> : null}
    </section>
  );
}

function PayoutPayments({ integrationId, payoutId }: { integrationId: string; payoutId: string }): ReactNode {
  const q = useQuery({ queryKey: ['payout', payoutId], queryFn: () => unwrap(api.GET('/api/integrations/{id}/payouts/{payoutId}', { params: { path: { id: integrationId, payoutId } } })) });
  if (q.isPending) return <Loading what="the payout" />;
  if (q.error) return <ErrorBox error={q.error} />;
  return (
    <div className="card" aria-live="polite">
      <h3>
        Payout of {formatMinor(q.data.amount, q.data.currency)} ({q.data.status}) settles {q.data.payments.length} payment{q.data.payments.length === 1 ? '' : 's'}
      </h3>
      <ul>
        {q.data.payments.map((p) => (
          <li key={p.paymentId}>
            <Link to="/payments/$id" params={{ id: p.paymentId }}>{p.paymentId}</Link>: {formatMinor(p.amount, p.currency)}
            {p.released ? ' (released: the payout failed, the next one settles it)' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The schedule form's values as the API's body; a minimum that is not an amount is the form's own field error. */
function scheduleBody(v: Record<string, string>, type: string): { body: PayoutSettingsInput } | { minimumError: string } {
  const currency = v.minimumCurrency && isCurrency(v.minimumCurrency) ? v.minimumCurrency : 'USD';
  const minimum = v.minimum ? parseAmount(v.minimum, currency) : null;
  if (v.minimum && minimum === null) return { minimumError: `Write an amount like 50.00 (${currency}).` };
  const account: PayoutSettingsInput['account'] =
    type === 'mobile_money'
      ? { type: 'mobile_money', provider: v.provider ?? '', phone: v.phone ?? '', accountName: v.accountName ?? '' }
      : { type: 'bank', bankName: v.bankName ?? '', accountName: v.accountName ?? '', accountNumber: v.accountNumber ?? '', ...(v.swift ? { swift: v.swift } : {}) };
  return { body: { frequency: v.frequency === 'daily' ? 'daily' : 'immediate', minimums: minimum === null ? [] : [{ currency, amount: minimum }], account } };
}

function PayoutSchedule(): ReactNode {
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ['payout-settings'],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/payout-settings'));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const save = useMutation({
    mutationFn: (body: PayoutSettingsInput) => unwrap(api.PUT('/api/payout-settings', { body })),
    onSuccess: (s) => queryClient.setQueryData(['payout-settings'], s),
  });
  const [type, setType] = useState<string | null>(null);
  const [frequency, setFrequency] = useState<string | null>(null);
  const [minimumError, setMinimumError] = useState<string | null>(null);
  if (current.isPending) return <Loading what="the payout schedule" />;
  if (current.error) return <ErrorBox error={current.error} />;
  const s: PayoutSettings | null = current.data;
  const a = s?.account;
  const accountType = type ?? a?.type ?? 'bank';
  const fieldError = (path: string) => (save.error instanceof ApiError ? save.error.fieldError(path) : undefined);
  const minimum = s?.minimums[0];
  return (
    <section aria-labelledby="acct-h">
      <h2 id="acct-h">Payout schedule and account</h2>
      <p>
        {s
          ? `Now: ${s.frequency === 'daily' ? `daily at 00:00 UTC (next ${formatTime(s.nextRunAt)})` : 'immediately, as money becomes available'}; ${s.minimums.length ? s.minimums.map((m) => `at least ${formatMinor(m.amount, m.currency)}`).join(', ') : 'at least 1.00 per currency'}.`
          : "No schedule yet: balances wait for the operator's payout run."}{' '}
        Test payouts complete on their own; to an account ending in 0000 they fail.
      </p>
      <form
        key={s?.updatedAt ?? 'new'}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const r = scheduleBody(formValues(e.currentTarget), accountType);
          if ('minimumError' in r) return setMinimumError(r.minimumError);
          setMinimumError(null);
          save.mutate(r.body);
        }}
      >
        <Choice
          legend="Pay out"
          name="frequency"
          value={frequency ?? s?.frequency ?? 'immediate'}
          onChange={setFrequency}
          options={[
            { value: 'immediate', label: 'Immediately' },
            { value: 'daily', label: 'Daily (00:00 UTC)' },
          ]}
        />
        <div className="inline-form">
          <Field label="Minimum amount" name="minimum" inputMode="decimal" placeholder="1.00" defaultValue={minimum ? formatMinor(minimum.amount, minimum.currency).replace(/ .*/, '').replace(/,/g, '') : ''} hint="Below it a balance waits. Empty: 1.00." error={minimumError ?? fieldError('minimums.0.amount')} />
          <Select label="Minimum currency" name="minimumCurrency" options={CURRENCY_CODES} defaultValue={minimum?.currency ?? 'USD'} />
        </div>
        <Choice
          legend="To"
          name="accountType"
          value={accountType}
          onChange={setType}
          options={[
            { value: 'bank', label: 'Bank account' },
            { value: 'mobile_money', label: 'Mobile money' },
          ]}
        />
        <Field label="Account holder's name" name="accountName" defaultValue={a?.accountName ?? ''} error={fieldError('account.accountName')} />
        {accountType === 'mobile_money' ? (
          <>
            <Field label="Mobile-money operator" name="provider" defaultValue={a?.type === 'mobile_money' ? a.provider : ''} placeholder="ecocash" error={fieldError('account.provider')} />
            <Field label="Mobile-money number" name="phone" type="tel" defaultValue={a?.type === 'mobile_money' ? a.phone : ''} hint="International format: + and 8 to 15 digits." error={fieldError('account.phone')} />
          </>
        ) : (
          <>
            <Field label="Bank" name="bankName" defaultValue={a?.type === 'bank' ? a.bankName : ''} error={fieldError('account.bankName')} />
            <Field label="Account number or IBAN" name="accountNumber" defaultValue={a?.type === 'bank' ? a.accountNumber : ''} error={fieldError('account.accountNumber')} />
            <Field label="SWIFT/BIC (optional)" name="swift" defaultValue={a?.type === 'bank' ? (a.swift ?? '') : ''} error={fieldError('account.swift')} />
          </>
        )}
        <ErrorBox error={save.error} />
        {save.isSuccess && !save.isPending ? <Notice tone="ok">Payout schedule saved.</Notice> : null}
        <Busy busy={save.isPending}>Save payout schedule</Busy>
      </form>
    </section>
  );
}
