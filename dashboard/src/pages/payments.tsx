/** Payments: the filtered, paged list with CSV export, and one payment with everything that happened to it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { useIntegrations, usePayments } from '../api/queries';
import { formatMinor, formatMoney, formatTime, listOf, minorOf, parseAmount, type Payment } from '../api/views';
import { Busy, DataTable, ErrorBox, Field, formValues, Loading, Notice, Pairs, Select } from '../components/ui';
import { useMode } from '../state';
import { METHODS } from './integrations';

const STATES = ['', 'created', 'pending', 'paid', 'failed', 'cancelled', 'expired', 'refunded', 'partially_refunded', 'disputed'];
const col = createColumnHelper<Payment>();

export function PaymentsTable({ payments }: { payments: Payment[] }): ReactNode {
  const columns = [
    col.accessor('id', { header: 'Payment', cell: (c) => <Link to="/payments/$id" params={{ id: c.getValue() }}>{c.row.original.reference ?? c.getValue()}</Link> }),
    col.accessor((p) => formatMoney(p.amount, p.currency), { id: 'amount', header: 'Amount' }),
    col.accessor('state', { header: 'State', cell: (c) => <span className={`state state-${c.getValue()}`}>{c.getValue()}</span> }),
    col.accessor((p) => p.method ?? '—', { id: 'method', header: 'Method' }),
    col.accessor((p) => formatTime(p.createdAt), { id: 'created', header: 'Created' }),
  ];
  return <DataTable columns={columns} data={payments} caption="Payments" empty="No payments match." />;
}

type Filters = Record<string, string>;

function applyFilters(list: Payment[], f: Filters): Payment[] {
  return list.filter((p) => {
    const m = minorOf(p.amount, p.currency);
    if (f.state && p.state !== f.state) return false;
    if (f.method && p.method !== f.method) return false;
    if (f.reference && !(p.reference ?? '').toLowerCase().includes(f.reference.toLowerCase())) return false;
    if (f.from && p.createdAt.slice(0, 10) < f.from) return false;
    if (f.to && p.createdAt.slice(0, 10) > f.to) return false;
    if (f.amount) {
      const want = parseAmount(f.amount, m.currency);
      if (want !== null && want !== m.minor) return false;
    }
    return true;
  });
}

function toQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.state) q.state = f.state;
  if (f.method) q.method = f.method;
  if (f.reference) q.reference = f.reference;
  if (f.from) q.createdFrom = `${f.from}T00:00:00.000Z`;
  if (f.to) q.createdTo = `${f.to}T23:59:59.999Z`;
  return q;
}

/** The amount filter as minor units in the integration's likely currency, for amountMin and amountMax. */
function amountQuery(f: Filters, currency: string): Record<string, string> {
  const minor = f.amount ? parseAmount(f.amount, currency) : null;
  return minor === null ? {} : { amountMin: String(minor), amountMax: String(minor) };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);

export function paymentsCsv(list: Payment[]): string {
  const head = ['id', 'reference', 'state', 'method', 'currency', 'amount', 'fee', 'net', 'createdAt', 'paidAt'];
  const rows = list.map((p) => {
    const a = minorOf(p.amount, p.currency);
    return [p.id, p.reference ?? '', p.state, p.method ?? '', a.currency, formatMinor(a.minor, a.currency).replace(/ .*/, '').replace(/,/g, ''), String(minorOf(p.fee).minor), String(minorOf(p.net).minor), p.createdAt, p.paidAt ?? ''];
  });
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function PaymentsPage(): ReactNode {
  const mode = useMode();
  const search = useSearch({ strict: false }) as { integration?: string };
  const navigate = useNavigate();
  const integrations = useIntegrations();
  const integrationId = search.integration ?? integrations.data?.[0]?.id;
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const q = usePayments(integrationId, mode, { ...toQuery(filters), ...amountQuery(filters, integrations.data?.find((i) => i.id === integrationId)?.paynowZwCurrency ?? 'USD') }, cursors.at(-1));
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const rows = applyFilters(q.data?.data ?? [], filters);

  async function exportCsv() {
    if (!integrationId) return;
    setExporting(true);
    setExportError(null);
    try {
      const all: Payment[] = [];
      let cursor: string | null = null;
      for (let n = 0; n < 100; n++) {
        const query: Record<string, unknown> = { limit: 200, mode, ...toQuery(filters), ...(cursor ? { cursor } : {}) };
        const page: { data: Payment[]; nextCursor: string | null } = listOf<Payment>(await unwrap(api.GET("/api/integrations/{id}/payments", { params: { path: { id: integrationId }, query: query as never } })), "payments");
        all.push(...page.data.filter((p) => p.mode === mode));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      const blob = new Blob([paymentsCsv(applyFilters(all, filters))], { type: 'text/csv' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `payments-${integrationId}-${mode}.csv`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  }

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
          setCursors([]);
          setFilters(formValues(e.currentTarget));
        }}
      >
        <Select
          label="Integration"
          name="integration"
          value={integrationId}
          onChange={(v) => {
            setCursors([]);
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
          <Busy busy={exporting} kind="secondary" type="button" onClick={() => void exportCsv()}>Export CSV</Busy>
        </div>
      </form>
      <ErrorBox error={exportError} />
      {q.isPending ? <Loading what="payments" /> : q.error ? <ErrorBox error={q.error} /> : <PaymentsTable payments={rows} />}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="btn btn-secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <button type="button" className="btn btn-secondary" disabled={!q.data?.nextCursor} onClick={() => q.data?.nextCursor && setCursors([...cursors, q.data.nextCursor])}>Older</button>
      </nav>
    </>
  );
}

interface Detail {
  payment: Payment;
  events: { version: number; from: string | null; to: string; reason: string | null; at: string }[];
  refunds: { id: string; amount?: number; amountMinor?: number; currency: string; status: string; reason: string | null; createdAt: string }[];
}

interface DeliveryView {
  id: string;
  url: string;
  status: string;
  attempts: number;
  eventVersion: number;
  dialect: string;
  body: string;
  createdAt: string;
  attemptLog: { attempt: number; attemptedAt: string; url: string; statusCode: number | null; latencyMs: number; error: string | null; responseHead: string | null }[];
}

export function PaymentPage(): ReactNode {
  const { id } = useParams({ strict: false }) as { id: string };
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['payment', id], queryFn: () => unwrap<Detail>(api.GET('/api/payments/{id}', { params: { path: { id } } })) });
  const deliveries = useQuery({ queryKey: ['deliveries', id], queryFn: async () => listOf<DeliveryView>(await unwrap(api.GET('/api/payments/{id}/deliveries', { params: { path: { id } } })), 'deliveries').data });
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
  const amount = minorOf(p.amount, p.currency);
  const refunded = minorOf(p.refunded, amount.currency).minor;
  const refundable = ['paid', 'partially_refunded'].includes(p.state) && refunded < amount.minor;
  return (
    <>
      <h1>
        Payment {p.reference ?? p.id} <span className={`badge badge-${p.mode}`}>{p.mode}</span>
      </h1>
      <Pairs
        rows={[
          ['State', <span className={`state state-${p.state}`}>{p.state}</span>],
          ['Amount', formatMoney(p.amount, p.currency)],
          ['Fee', formatMoney(p.fee, amount.currency)],
          ['Net', formatMoney(p.net, amount.currency)],
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
                {formatMinor(r.amount ?? r.amountMinor ?? 0, r.currency)}: {r.status} {formatTime(r.createdAt)} {r.reason ? `(${r.reason})` : ''}
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
      <PaymentRequestLog integrationId={p.integrationId} paymentId={p.id} reference={p.reference} />
    </>
  );
}

/** The test-mode requests that mention this payment (by id or reference). */
function PaymentRequestLog({ integrationId, paymentId, reference }: { integrationId: string; paymentId: string; reference: string | null }): ReactNode {
  const q = useQuery({
    queryKey: ['request-log', integrationId, paymentId],
    queryFn: async () => listOf<{ id: string; method: string; path: string; body: string; responseBody: string; responseStatus: number; createdAt: string | number }>(await unwrap(api.GET('/api/integrations/{id}/request-log', { params: { path: { id: integrationId }, query: { limit: 200, paymentId } as never } })), 'requests').data,
  });
  const mine = (q.data ?? []).filter((e) => [paymentId, reference].some((k) => k && (e.body.includes(k) || e.responseBody.includes(k) || e.path.includes(k))));
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
