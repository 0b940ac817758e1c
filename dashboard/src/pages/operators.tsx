/** Operators: the go-live queue, merchants, fees, the day's payouts, system health. A merchant is refused here by the API. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { CURRENCY_CODES, type Currency, type FeeRule, formatMinor, formatTime, type Merchant, parseAmount, type Payout } from '../api/views';
import { Busy, DataTable, ErrorBox, Field, formValues, Loading, Notice, Select, useCursors } from '../components/ui';
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
  const q = useQuery({ queryKey: ['golive-queue'], queryFn: async () => (await unwrap(api.GET('/api/operator/golive-requests', { params: { query: { limit: 200 } } }))).data });
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
                Merchant <code>{i.merchantId}</code> · requested {formatTime(i.goLive.requestedAt)} · <code>{i.id}</code>
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
  const { cursor, reset, pager } = useCursors();
  const q = useQuery({ queryKey: ['op-merchants', search, cursor], queryFn: () => unwrap(api.GET('/api/operator/merchants', { params: { query: { limit: 50, ...(search ? { q: search } : {}), ...(cursor ? { cursor } : {}) } } })) });
  const disable = useMutation({ mutationFn: (d: { id: string; disabled: boolean }) => d.disabled ? unwrap(api.POST('/api/operator/merchants/{id}/disable', { params: { path: { id: d.id } } })) : unwrap(api.POST('/api/operator/merchants/{id}/enable', { params: { path: { id: d.id } } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['op-merchants'] }) });
  const col = createColumnHelper<Merchant>();
  return (
    <section aria-labelledby="mer-h">
      <h2 id="mer-h">Merchants</h2>
      <form
        className="inline-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          reset();
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
          data={q.data.data}
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
      {pager('Merchant pages', q.data?.nextCursor)}
      <ErrorBox error={disable.error} />
    </section>
  );
}

/** A fee amount in its rule's currency; a `*` rule's amounts are in the payment's currency, so no code is shown. */
function feeAmount(r: FeeRule, minor: number | null): string {
  return minor === null ? '—' : formatMinor(minor, r.currency === '*' ? '' : r.currency);
}

function Fees(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['fees'],
    queryFn: async () => (await unwrap(api.GET('/api/operator/fees'))).data,
  });
  const set = useMutation({
    mutationFn: (r: FeeRule) => unwrap(api.PUT('/api/operator/fees/{method}/{currency}', { params: { path: { method: r.method as (typeof METHODS)[number], currency: r.currency as Currency | '*' } }, body: { percentBps: r.percentBps, fixed: r.fixed, minimum: r.minimum, maximum: r.maximum } })),
    onSuccess: (r) => queryClient.setQueryData(['fees'], r.data),
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
          columns={[col.accessor('method', { header: 'Method' }), col.accessor('currency', { header: 'Currency' }), col.accessor((r) => `${(r.percentBps / 100).toFixed(2)} %`, { id: 'pct', header: 'Percent' }), col.accessor((r) => feeAmount(r, r.fixed), { id: 'fixed', header: 'Fixed' }), col.accessor((r) => feeAmount(r, r.minimum), { id: 'minimum', header: 'Minimum' }), col.accessor((r) => feeAmount(r, r.maximum), { id: 'maximum', header: 'Maximum' })]}
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
          set.mutate({ method: v.method ?? 'card', currency: v.currency ?? '*', percentBps: pct, fixed, minimum: null, maximum: null });
        }}
      >
        <h3>Set a fee</h3>
        <Select label="Method" name="method" options={METHODS} defaultValue="card" />
        <Select label="Currency" name="currency" options={['*', ...CURRENCY_CODES]} defaultValue="*" />
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

function Payouts(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['op-payouts'], queryFn: async () => (await unwrap(api.GET('/api/operator/payouts', { params: { query: { mode: 'live', limit: 200 } } }))).data });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['op-payouts'] });
  const mark = useMutation({ mutationFn: (d: { id: string; status: 'paid' | 'failed' }) => unwrap(api.POST('/api/operator/payouts/{id}/mark', { params: { path: { id: d.id } }, body: { status: d.status } })), onSuccess: refresh });
  const file = useMutation({
    mutationFn: async () => {
      const r = await api.POST('/api/operator/payouts/export', { parseAs: 'text' });
      const csv = await unwrap(Promise.resolve(r));
      const name = /filename="([^"]+)"/.exec(r.response.headers.get('content-disposition') ?? '')?.[1] ?? 'payouts.csv';
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      return Number(r.response.headers.get('x-payout-count') ?? 0);
    },
    onSuccess: refresh,
  });
  const col = createColumnHelper<Payout>();
  const open = (q.data ?? []).filter((p) => p.status === 'pending' || p.status === 'in_transit');
  const waiting = open.filter((p) => p.status === 'pending').length;
  return (
    <section aria-labelledby="po-h">
      <h2 id="po-h">Today's payout file</h2>
      <p className="hint">Live payouts waiting for the bank or in transit. The file lists the waiting ones with each merchant's account and a total per currency; they become in transit. Mark each one when the bank answers.</p>
      <Busy busy={file.isPending} kind="secondary" type="button" onClick={() => file.mutate()}>
        Download the payout file ({waiting} waiting)
      </Busy>
      {file.isSuccess ? <Notice tone="ok">Payout file downloaded: {file.data} payout{file.data === 1 ? '' : 's'} now in transit.</Notice> : null}
      <ErrorBox error={file.error} />
      {q.isPending ? <Loading what="payouts" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Open payouts"
          empty="No payouts are waiting."
          data={open}
          columns={[
            col.accessor('id', { header: 'Payout' }),
            col.accessor((p) => formatMinor(p.amount, p.currency), { id: 'amount', header: 'Amount' }),
            col.accessor('status', { header: 'Status' }),
            col.accessor((p) => p.destination ?? '—', { id: 'to', header: 'To' }),
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
  const q = useQuery({ queryKey: ['op-health'], queryFn: () => unwrap(api.GET('/api/operator/health')), refetchInterval: 30_000 });
  const kinds = createColumnHelper<{ kind: string; n: number }>();
  const dialects = createColumnHelper<{ dialect: string; lastHour: number; lastDay: number }>();
  type Counts = { requests: number; clientErrors: number; serverErrors: number };
  const rates = createColumnHelper<{ channel: string; lastMinute: Counts; lastHour: Counts & { perMinute: number } }>();
  return (
    <section aria-labelledby="health-h">
      <h2 id="health-h">System health</h2>
      {q.isPending ? <Loading what="health" /> : q.error ? <ErrorBox error={q.error} /> : (
        <>
          <p className="hint">Measured {formatTime(q.data.at)}; refreshed every 30 s. <a href="/readyz">Readiness</a> says whether the database answers.</p>
          <ul className="cards">
            <li className="card">
              <span className="card-label">Jobs waiting</span>
              <strong className="card-value">{q.data.jobsWaiting.total}</strong>
              <span className="card-sub">due now and not yet run</span>
            </li>
            <li className={`card${q.data.deliveries.pendingRetrying > 0 ? ' card-warn' : ''}`}>
              <span className="card-label">Deliveries retrying</span>
              <strong className="card-value">{q.data.deliveries.pendingRetrying}</strong>
              <span className="card-sub">pending after a failed attempt</span>
            </li>
            <li className={`card${q.data.deliveries.failedRecently > 0 ? ' card-warn' : ''}`}>
              <span className="card-label">Deliveries failed</span>
              <strong className="card-value">{q.data.deliveries.failedRecently}</strong>
              <span className="card-sub">gave up, queued in the last 24 hours</span>
            </li>
          </ul>
          <h3>Jobs waiting by kind</h3>
          <DataTable caption="Jobs waiting by kind" empty="No jobs are waiting." data={q.data.jobsWaiting.byKind} columns={[kinds.accessor('kind', { header: 'Kind' }), kinds.accessor('n', { header: 'Waiting' })]} />
          <h3>Requests per dialect</h3>
          <p className="hint">Requests answered by every process of this gateway, per wire and for the management API: in the last whole minute, and per minute over the last hour, with the errors among them.</p>
          <DataTable
            caption="Request rates per dialect"
            empty="No channels."
            data={q.data.requests.channels}
            columns={[
              rates.accessor('channel', { header: 'Dialect' }),
              rates.accessor((r) => r.lastMinute.requests, { id: 'minute', header: 'Requests/min, last minute' }),
              rates.accessor((r) => r.lastHour.perMinute.toFixed(2), { id: 'hour', header: 'Requests/min, last hour' }),
              rates.accessor((r) => `${r.lastMinute.clientErrors} / ${r.lastMinute.serverErrors}`, { id: 'minute-errors', header: 'Errors 4xx / 5xx, last minute' }),
              rates.accessor((r) => `${r.lastHour.clientErrors} / ${r.lastHour.serverErrors}`, { id: 'hour-errors', header: 'Errors 4xx / 5xx, last hour' }),
            ]}
          />
          <h3>Payments created per dialect</h3>
          <p className="hint">Payments created through each wire (tollgate: the management API).</p>
          <DataTable
            caption="Payments created per dialect"
            empty="No payments in the last day."
            data={q.data.paymentsCreated}
            columns={[dialects.accessor('dialect', { header: 'Dialect' }), dialects.accessor('lastHour', { header: 'Last hour' }), dialects.accessor('lastDay', { header: 'Last 24 hours' }), dialects.accessor((d) => (d.lastHour / 60).toFixed(2), { id: 'rate', header: 'Payments/min (last hour)' })]}
          />
        </>
      )}
    </section>
  );
}
