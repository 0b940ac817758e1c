/** Payments: the filtered, paged list with CSV export, and one payment with everything that happened to it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { type PaymentFilters, useIntegrations, usePayments } from '../api/queries';
import { formatMinor, formatTime, type Mode, parseAmount, type Payment } from '../api/views';
import { Busy, DataTable, ErrorBox, Field, formValues, Loading, Notice, Pairs, Select, useCursors } from '../components/ui';
import { useMode } from '../state';
import { METHODS } from './integrations';

const STATES = ['', 'created', 'pending', 'paid', 'failed', 'cancelled', 'expired', 'refunded', 'partially_refunded', 'disputed'];
const col = createColumnHelper<Payment>();

export function PaymentsTable({ payments }: { payments: Payment[] }): ReactNode {
  const columns = [
    col.accessor('id', { header: 'Payment', cell: (c) => <Link to="/payments/$id" params={{ id: c.getValue() }}>{c.row.original.reference ?? c.getValue()}</Link> }),
    col.accessor((p) => formatMinor(p.amount, p.currency), { id: 'amount', header: 'Amount' }),
    col.accessor('state', { header: 'State', cell: (c) => <span className={`state state-${c.getValue()}`}>{c.getValue()}</span> }),
    col.accessor((p) => p.method ?? '—', { id: 'method', header: 'Method' }),
    col.accessor((p) => formatTime(p.createdAt), { id: 'created', header: 'Created' }),
  ];
  return <DataTable columns={columns} data={payments} caption="Payments" empty="No payments match." />;
}

/** The filter form's values as the API's query: dates as whole UTC days, the amount in minor units of the currency. */
function toQuery(f: Record<string, string>, currency: string): PaymentFilters {
  const q: PaymentFilters = {};
  if (f.state) q.state = f.state;
  if (f.method) q.method = f.method as PaymentFilters['method'];
  if (f.reference) q.reference = f.reference;
  if (f.from) q.createdFrom = `${f.from}T00:00:00.000Z`;
  if (f.to) q.createdTo = `${f.to}T23:59:59.999Z`;
  const minor = f.amount ? parseAmount(f.amount, currency) : null;
  if (minor !== null) {
    q.amountMin = minor;
    q.amountMax = minor;
  }
  return q;
}

/** GET /api/payments.csv with the same filters: the browser downloads it with the session cookie. */
function csvHref(integrationId: string, mode: Mode, filters: PaymentFilters): string {
  const q = new URLSearchParams({ integrationId, mode });
  for (const [k, v] of Object.entries(filters)) if (v !== undefined) q.set(k, String(v));
  return `/api/payments.csv?${q}`;
}

export function PaymentsPage(): ReactNode {
  const mode = useMode();
  const search = useSearch({ strict: false }) as { integration?: string };
  const navigate = useNavigate();
  const integrations = useIntegrations();
  const integrationId = search.integration ?? integrations.data?.[0]?.id;
  const [filters, setFilters] = useState<PaymentFilters>({});
  const { cursor, reset, pager } = useCursors();
  const q = usePayments(integrationId, mode, filters, cursor);
  const currency = integrations.data?.find((i) => i.id === integrationId)?.paynowZwCurrency ?? 'USD';

  if (integrations.isPending) return <Loading what="integrations" />;
  if (integrations.error) return <ErrorBox error={integrations.error} />;
  if (!integrationId) return (
    <>
      <h1>Payments</h1>
      <Notice>No integrations yet: <Link to="/integrations/new">create one</Link> to take payments.</Notice>
    </>
  );
  return (
    <>
      <h1>Payments</h1>
      <form
        className="filters"
        aria-label="Filter payments"
        onSubmit={(e) => {
          e.preventDefault();
          reset();
          setFilters(toQuery(formValues(e.currentTarget), currency));
        }}
      >
        <Select
          label="Integration"
          name="integration"
          value={integrationId}
          onChange={(v) => {
            reset();
            void navigate({ to: '/payments', search: { integration: v } as never });
          }}
          options={(integrations.data ?? []).map((i) => ({ value: i.id, label: i.name }))}
        />
        <Select label="State" name="state" options={STATES} defaultValue="" />
        <Select label="Method" name="method" options={['', ...METHODS]} defaultValue="" />
        <Field label="Reference" name="reference" />
        <Field label="Amount" name="amount" inputMode="decimal" placeholder="10.00" />
        <Field label="From" name="from" type="date" />
        <Field label="To" name="to" type="date" />
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary">Apply filters</button>
          <a className="btn btn-secondary" href={csvHref(integrationId, mode, filters)} download>Export CSV</a>
        </div>
      </form>
      {q.isPending ? <Loading what="payments" /> : q.error ? <ErrorBox error={q.error} /> : <PaymentsTable payments={q.data.data} />}
      {pager('Pages', q.data?.nextCursor)}
    </>
  );
}

export function PaymentPage(): ReactNode {
  const { id } = useParams({ strict: false }) as { id: string };
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['payment', id], queryFn: () => unwrap(api.GET('/api/payments/{id}', { params: { path: { id } } })) });
  const deliveries = useQuery({ queryKey: ['deliveries', id], queryFn: async () => (await unwrap(api.GET('/api/payments/{id}/deliveries', { params: { path: { id }, query: { limit: 200 } } }))).data });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['payment', id] });
    void queryClient.invalidateQueries({ queryKey: ['deliveries', id] });
  };
  const redeliver = useMutation({ mutationFn: (d: string) => unwrap(api.POST('/api/deliveries/{id}/redeliver', { params: { path: { id: d } } })), onSuccess: refresh });
  const refund = useMutation({ mutationFn: (b: { amount: number; reason?: string }) => unwrap(api.POST('/api/payments/{id}/refunds', { params: { path: { id } }, body: b })), onSuccess: refresh });
  const complete = useMutation({ mutationFn: (outcome: 'paid' | 'failed' | 'cancelled' | 'expired') => unwrap(api.POST('/api/payments/{id}/sandbox/complete', { params: { path: { id } }, body: { outcome } })), onSuccess: refresh });
  const [refundError, setRefundError] = useState<string | null>(null);

  if (detail.isPending) return <Loading what="the payment" />;
  if (detail.error) return <ErrorBox error={detail.error} />;
  const { payment: p, events, refunds } = detail.data;
  const amount = { minor: p.amount, currency: p.currency };
  const refunded = p.refunded;
  const refundable = ['paid', 'partially_refunded'].includes(p.state) && refunded < amount.minor;
  return (
    <>
      <h1>
        Payment {p.reference ?? p.id} <span className={`badge badge-${p.mode}`}>{p.mode}</span>
      </h1>
      <Pairs
        rows={[
          ['State', <span className={`state state-${p.state}`}>{p.state}</span>],
          ['Amount', formatMinor(p.amount, p.currency)],
          ['Fee', `${formatMinor(p.fee, p.currency)} (paid by the ${p.feePaidBy})`],
          ['Net', formatMinor(p.net, p.currency)],
          ['Refunded', formatMinor(refunded, amount.currency)],
          ['Method', p.method ?? '—'],
          ['Customer', [p.customer?.name, p.customer?.email, p.customer?.phone].filter(Boolean).join(' · ') || '—'],
          ['Description', p.description ?? '—'],
          ['Failure', p.failure ? `${p.failure.code}: ${p.failure.message ?? ''}` : '—'],
          ['Created', formatTime(p.createdAt)],
          ['Paid', formatTime(p.paidAt)],
          ['Id', <code>{p.id}</code>],
        ]}
      />
      {p.mode === 'test' && !['paid', 'failed', 'cancelled', 'expired', 'refunded', 'partially_refunded'].includes(p.state) ? (
        <section aria-labelledby="sandbox-h">
          <h2 id="sandbox-h">Sandbox: finish this test payment</h2>
          <div className="buttons">
            {(['paid', 'failed', 'cancelled', 'expired'] as const).map((o) => (
              <Busy key={o} busy={complete.isPending && complete.variables === o} kind={o === 'paid' ? 'primary' : 'secondary'} type="button" onClick={() => complete.mutate(o)}>
                Mark {o}
              </Busy>
            ))}
          </div>
          <ErrorBox error={complete.error} />
        </section>
      ) : null}

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol className="timeline">
          {events.map((e) => (
            <li key={e.version}>
              <span className="tl-version">v{e.version}</span> {e.from ? `${e.from} → ` : ''}
              <strong>{e.to}</strong> <time dateTime={e.at}>{formatTime(e.at)}</time>
              {e.reason ? <span className="hint"> ({e.reason})</span> : null}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="refunds-h">
        <h2 id="refunds-h">Refunds</h2>
        {refunds.length === 0 ? <p className="empty">No refunds.</p> : (
          <ul>
            {refunds.map((r) => (
              <li key={r.id}>
                {formatMinor(r.amount, r.currency)}: {r.status} {formatTime(r.createdAt)} {r.reason ? `(${r.reason})` : ''}
              </li>
            ))}
          </ul>
        )}
        {refundable ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const v = formValues(e.currentTarget);
              const minor = v.full === 'on' || !v.amount ? amount.minor - refunded : parseAmount(v.amount, amount.currency);
              if (minor === null || minor <= 0) {
                setRefundError(`Write the amount as a number like 5.00 (${amount.currency}), at most ${formatMinor(amount.minor - refunded, amount.currency)}.`);
                return;
              }
              setRefundError(null);
              refund.mutate({ amount: minor, ...(v.reason ? { reason: v.reason } : {}) });
            }}
          >
            <Field label={`Amount to refund (${amount.currency}); empty for the whole remaining ${formatMinor(amount.minor - refunded, amount.currency)}`} name="amount" inputMode="decimal" />
            <Field label="Reason (optional)" name="reason" />
            {refundError ? <p className="msg msg-error" role="alert">{refundError}</p> : null}
            <ErrorBox error={refund.error} />
            {refund.isSuccess ? <Notice tone="ok">Refund created.</Notice> : null}
            <Busy busy={refund.isPending}>Refund</Busy>
          </form>
        ) : null}
      </section>

      <section aria-labelledby="notif-h">
        <h2 id="notif-h">Notifications</h2>
        {deliveries.isPending ? <Loading what="notifications" /> : deliveries.error ? <ErrorBox error={deliveries.error} /> : deliveries.data.length === 0 ? <p className="empty">No notifications were sent for this payment.</p> : (
          deliveries.data.map((d) => (
            <article key={d.id} className="delivery">
              <h3>
                v{d.eventVersion} to {d.url}: {d.status} ({d.attempts} attempt{d.attempts === 1 ? '' : 's'})
              </h3>
              <details>
                <summary>What we sent</summary>
                <pre tabIndex={0}>{d.body}</pre>
              </details>
              <ol>
                {d.attemptLog.map((a) => (
                  <li key={a.attempt}>
                    Attempt {a.attempt} at {formatTime(a.attemptedAt)}: {a.statusCode ?? a.error ?? 'no answer'} in {a.latencyMs} ms
                    {a.fault ? <span className="badge badge-test"> injected: {a.fault}</span> : null}
                    {a.responseHead ? <pre tabIndex={0}>{a.responseHead}</pre> : null}
                  </li>
                ))}
              </ol>
              <Busy busy={redeliver.isPending && redeliver.variables === d.id} kind="secondary" type="button" onClick={() => redeliver.mutate(d.id)}>
                Redeliver
              </Busy>
            </article>
          ))
        )}
        {redeliver.isSuccess ? <Notice tone="ok">Sent again: the new attempt appears here in a few seconds.</Notice> : null}
        <ErrorBox error={redeliver.error} />
      </section>
      <PaymentRequestLog integrationId={p.integrationId} paymentId={p.id} />
    </>
  );
}

/** The test-mode requests that name this payment (the API matches them). */
function PaymentRequestLog({ integrationId, paymentId }: { integrationId: string; paymentId: string }): ReactNode {
  const q = useQuery({
    queryKey: ['request-log', integrationId, paymentId],
    queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/request-log', { params: { path: { id: integrationId }, query: { limit: 200, paymentId } } }))).data,
  });
  const mine = q.data ?? [];
  return (
    <section aria-labelledby="reqlog-h">
      <h2 id="reqlog-h">Requests about this payment</h2>
      {q.isPending ? <Loading what="requests" /> : q.error ? <ErrorBox error={q.error} /> : mine.length === 0 ? <p className="empty">No logged test-mode requests mention this payment.</p> : (
        <ul>
          {mine.map((e) => (
            <li key={e.id}>
              {formatTime(e.createdAt)} {e.method} <code>{e.path}</code> → {e.responseStatus} (<Link to="/developers" search={{ integration: integrationId, request: e.id } as never}>details</Link>)
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
