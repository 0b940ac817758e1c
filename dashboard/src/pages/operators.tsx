/** Operators: the go-live queue, merchants, fees, the day's payouts, system health. A merchant is refused here by the API. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { formatMinor, formatTime, type Integration, listOf, type Merchant, parseAmount } from '../api/views';
import { Busy, DataTable, ErrorBox, Field, formValues, Loading, Notice, Select } from '../components/ui';
import { METHODS } from './integrations';

export function OperatorsPage(): ReactNode {
  return (
    <>
      <h1>Operators</h1>
      <GoLiveQueue />
      <Merchants />
      <Fees />
      <Payouts />
      <Health />
    </>
  );
}

function GoLiveQueue(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['golive-queue'], queryFn: async () => listOf<Integration & { merchant?: { companyName: string; email: string } }>(await unwrap(api.GET('/api/operator/golive-requests')), 'integrations').data });
  const decide = useMutation({
    mutationFn: (d: { id: string; approve: boolean; reason?: string }) =>
      d.approve ? unwrap(api.POST('/api/operator/integrations/{id}/golive/approve', { params: { path: { id: d.id } } })) : unwrap(api.POST('/api/operator/integrations/{id}/golive/reject', { params: { path: { id: d.id } }, body: { reason: d.reason ?? '' } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['golive-queue'] }),
  });
  return (
    <section aria-labelledby="gl-h">
      <h2 id="gl-h">Go-live requests</h2>
      {q.isPending ? <Loading what="requests" /> : q.error ? <ErrorBox error={q.error} /> : q.data.length === 0 ? <p className="empty">No requests are waiting.</p> : (
        <ul className="queue">
          {q.data.map((i) => (
            <li key={i.id} className="card">
              <h3>{i.name}</h3>
              <p>
                {i.merchant ? `${i.merchant.companyName} (${i.merchant.email}) · ` : ''}requested {formatTime(i.goLive.requestedAt)} · <code>{i.id}</code>
              </p>
              <Busy busy={decide.isPending && decide.variables?.id === i.id && decide.variables.approve} type="button" onClick={() => decide.mutate({ id: i.id, approve: true })}>
                Approve<span className="sr-only"> {i.name}</span>
              </Busy>
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  decide.mutate({ id: i.id, approve: false, reason: formValues(e.currentTarget).reason ?? '' });
                }}
              >
                <Field label={`Reason for refusing ${i.name} (the merchant reads it)`} name="reason" required />
                <Busy busy={decide.isPending && decide.variables?.id === i.id && !decide.variables.approve} kind="danger">Reject</Busy>
              </form>
            </li>
          ))}
        </ul>
      )}
      <ErrorBox error={decide.error} />
      {decide.isSuccess ? <Notice tone="ok">Decided; the merchant has been emailed.</Notice> : null}
    </section>
  );
}

function Merchants(): ReactNode {
  const [search, setSearch] = useState('');
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['op-merchants', search], queryFn: async () => listOf<Merchant & { disabled?: boolean }>(await unwrap(api.GET('/api/operator/merchants', { params: { query: (search ? { q: search } : {}) as never } })), 'merchants').data });
  const disable = useMutation({ mutationFn: (d: { id: string; disabled: boolean }) => d.disabled ? unwrap(api.POST('/api/operator/merchants/{id}/disable', { params: { path: { id: d.id } } })) : unwrap(api.POST('/api/operator/merchants/{id}/enable', { params: { path: { id: d.id } } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['op-merchants'] }) });
  const s = search.toLowerCase();
  const rows = (q.data ?? []).filter((m) => !s || m.email.toLowerCase().includes(s) || m.companyName.toLowerCase().includes(s));
  const col = createColumnHelper<Merchant & { disabled?: boolean }>();
  return (
    <section aria-labelledby="mer-h">
      <h2 id="mer-h">Merchants</h2>
      <form
        className="inline-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(formValues(e.currentTarget).q ?? '');
        }}
      >
        <Field label="Search by email or company" name="q" type="search" />
        <button type="submit" className="btn btn-secondary">Search</button>
      </form>
      {q.isPending ? <Loading what="merchants" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Merchants"
          empty="No merchants match."
          data={rows}
          columns={[
            col.accessor('companyName', { header: 'Company' }),
            col.accessor('email', { header: 'Email' }),
            col.accessor((m) => (m.emailVerified ? 'yes' : 'no'), { id: 'verified', header: 'Verified' }),
            col.accessor((m) => formatTime(m.createdAt), { id: 'created', header: 'Since' }),
            col.display({
              id: 'disable',
              header: 'Access',
              cell: (c) => (
                <Busy busy={disable.isPending && disable.variables?.id === c.row.original.id} kind={c.row.original.disabled ? 'secondary' : 'danger'} type="button" onClick={() => disable.mutate({ id: c.row.original.id, disabled: !c.row.original.disabled })}>
                  {c.row.original.disabled ? 'Enable' : 'Disable'}<span className="sr-only"> {c.row.original.companyName}</span>
                </Busy>
              ),
            }),
          ]}
        />
      )}
      <ErrorBox error={disable.error} />
    </section>
  );
}

interface FeeRule {
  method: string;
  currency: string;
  percentBps: number;
  fixedMinor: number;
  minMinor?: number | null;
  maxMinor?: number | null;
}

function Fees(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['fees'],
    queryFn: async () => {
      const a = (await unwrap<{ fees: unknown }>(api.GET('/api/operator/fees'))).fees;
      return (Array.isArray(a) ? a : Array.isArray((a as { rules?: unknown })?.rules) ? (a as { rules: unknown[] }).rules : []) as FeeRule[];
    },
  });
  const set = useMutation({
    mutationFn: (r: FeeRule) => unwrap(api.PUT('/api/operator/fees/{method}/{currency}', { params: { path: { method: r.method as never, currency: r.currency as never } }, body: { percentBps: r.percentBps, fixedMinor: r.fixedMinor } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['fees'] }),
  });
  const [err, setErr] = useState<string | null>(null);
  const col = createColumnHelper<FeeRule>();
  return (
    <section aria-labelledby="fees-h">
      <h2 id="fees-h">Fees</h2>
      {q.isPending ? <Loading what="fees" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Fee schedule"
          empty="No fees set: every method takes the documented default."
          data={q.data}
          columns={[col.accessor('method', { header: 'Method' }), col.accessor('currency', { header: 'Currency' }), col.accessor((r) => `${(r.percentBps / 100).toFixed(2)} %`, { id: 'pct', header: 'Percent' }), col.accessor((r) => formatMinor(r.fixedMinor, r.currency === '*' ? '' : r.currency), { id: 'fixed', header: 'Fixed' })]}
        />
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const v = formValues(e.currentTarget);
          const pct = parseAmount(v.percent ?? '', 'USD');
          const fixed = parseAmount(v.fixed || '0', v.currency === '*' ? 'USD' : (v.currency ?? 'USD'));
          if (pct === null || fixed === null) return setErr('Write the percent like 2.50 and the fixed part like 0.30.');
          setErr(null);
          set.mutate({ method: v.method ?? 'card', currency: v.currency ?? '*', percentBps: pct, fixedMinor: fixed });
        }}
      >
        <h3>Set a fee</h3>
        <Select label="Method" name="method" options={METHODS} defaultValue="card" />
        <Select label="Currency" name="currency" options={['*', 'USD', 'ZWG', 'PLN', 'EUR', 'GBP', 'CZK', 'XOF']} defaultValue="*" />
        <Field label="Percent of the amount" name="percent" inputMode="decimal" required placeholder="2.50" />
        <Field label="Fixed part" name="fixed" inputMode="decimal" placeholder="0.30" />
        {err ? <p className="msg msg-error" role="alert">{err}</p> : null}
        <ErrorBox error={set.error} />
        {set.isSuccess ? <Notice tone="ok">Saved: new payments take this fee when the customer picks the method.</Notice> : null}
        <Busy busy={set.isPending}>Save fee</Busy>
      </form>
    </section>
  );
}

interface OpPayout {
  id: string;
  status: string;
  currency: string;
  amount?: number;
  amountMinor?: number;
  integrationId?: string;
  createdAt: string | number;
}

function Payouts(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['op-payouts'], queryFn: async () => listOf<OpPayout>(await unwrap(api.GET('/api/operator/payouts', { params: { query: {} } })), 'payouts').data });
  const mark = useMutation({ mutationFn: (d: { id: string; status: 'paid' | 'failed' }) => unwrap(api.POST('/api/operator/payouts/{id}/mark', { params: { path: { id: d.id } }, body: { status: d.status } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['op-payouts'] }) });
  const col = createColumnHelper<OpPayout>();
  const open = (q.data ?? []).filter((p) => p.status === 'pending' || p.status === 'in_transit');
  return (
    <section aria-labelledby="po-h">
      <h2 id="po-h">Today's payout file</h2>
      <p className="hint">Live payouts waiting or in transit. Export the bank file with <code>tollgate payouts export</code>, then mark each one.</p>
      {q.isPending ? <Loading what="payouts" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Open payouts"
          empty="No payouts are waiting."
          data={open}
          columns={[
            col.accessor('id', { header: 'Payout' }),
            col.accessor((p) => formatMinor(p.amount ?? p.amountMinor ?? 0, p.currency), { id: 'amount', header: 'Amount' }),
            col.accessor('status', { header: 'Status' }),
            col.display({
              id: 'mark',
              header: 'Mark',
              cell: (c) => (
                <span className="buttons">
                  <Busy busy={mark.isPending && mark.variables?.id === c.row.original.id} kind="secondary" type="button" onClick={() => mark.mutate({ id: c.row.original.id, status: 'paid' })}>Paid</Busy>
                  <Busy busy={mark.isPending && mark.variables?.id === c.row.original.id} kind="danger" type="button" onClick={() => mark.mutate({ id: c.row.original.id, status: 'failed' })}>Failed</Busy>
                </span>
              ),
            }),
          ]}
        />
      )}
      <ErrorBox error={mark.error} />
    </section>
  );
}

function Health(): ReactNode {
  const q = useQuery({ queryKey: ['op-health'], queryFn: () => unwrap<Record<string, unknown>>(api.GET('/api/operator/health' as never)), retry: false });
  return (
    <section aria-labelledby="health-h">
      <h2 id="health-h">System health</h2>
      {q.isPending ? <Loading what="health" /> : q.error ? <p className="hint">This gateway's API does not report system health yet. <a href="/readyz">Readiness</a> answers whether the database is reachable.</p> : (
        <pre tabIndex={0}>{JSON.stringify(q.data, null, 2)}</pre>
      )}
    </section>
  );
}
