/** Home: alerts first (what needs doing), then balances, the 30-day volume chart and recent payments. */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { useIntegrations, useMe } from '../api/queries';
import { formatMinor, formatTime } from '../api/views';
import { ErrorBox, Loading, Notice } from '../components/ui';
import { dailyVolume, VolumeChart } from '../components/VolumeChart';
import { useMode } from '../state';
import { PaymentsTable } from './payments';

export function HomePage(): ReactNode {
  const mode = useMode();
  const me = useMe();
  const integrations = useIntegrations();
  const list = integrations.data ?? [];
  const balances = useQueries({
    queries: list.map((i) => ({ queryKey: ['balances', i.id], queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/balances', { params: { path: { id: i.id } } }))).data })),
  });
  const recent = useQuery({ queryKey: ['home-payments', mode], queryFn: async () => (await unwrap(api.GET('/api/payments', { params: { query: { limit: 10, mode } } }))).data });
  const stats = useQuery({ queryKey: ['stats-home'], queryFn: () => unwrap(api.GET('/api/stats/home', { params: { query: { days: 30 } } })) });

  if (me.isPending || integrations.isPending) return <Loading what="your account" />;
  if (me.error || integrations.error) return <ErrorBox error={me.error ?? integrations.error} />;

  const totals = new Map<string, { available: number; pending: number }>();
  for (const q of balances) for (const b of q.data ?? []) {
    if (b.mode !== mode) continue;
    const t = totals.get(b.currency) ?? { available: 0, pending: 0 };
    t.available += b.available;
    t.pending += b.pending;
    totals.set(b.currency, t);
  }
  const volume = (stats.data?.volume ?? []).filter((v) => v.mode === mode);
  const currency = volume[0]?.currency ?? [...totals.keys()][0] ?? 'USD';
  const points = dailyVolume(volume, currency, 30, Date.now());

  const alerts: ReactNode[] = [];
  if (me.data && !me.data.emailVerified) alerts.push(<>Verify your email address: open the link we mailed to {me.data.email}. You can resend it from <Link to="/settings">Settings</Link>.</>);
  for (const i of list) {
    if (i.goLive.state === 'rejected') alerts.push(<>Going live was refused for <Link to="/integrations/$id" params={{ id: i.id }}>{i.name}</Link>: {i.goLive.reason}. Fix it and ask again.</>);
    if (i.goLive.state === 'approved' || (i.mode === 'live' && i.goLive.decidedAt)) alerts.push(<><Link to="/integrations/$id" params={{ id: i.id }}>{i.name}</Link> is live since {formatTime(i.goLive.decidedAt)}. New live keys were emailed to your company address.</>);
    if (i.goLive.state === 'requested') alerts.push(<>Your request to set <Link to="/integrations/$id" params={{ id: i.id }}>{i.name}</Link> live is waiting for an operator.</>);
  }
  for (const a of stats.data?.alerts ?? []) {
    if (a.kind === 'endpoint_failing') alerts.push(<>Notifications of {a.integrationName} to {a.url} are failing ({a.failed} failed). See <Link to="/developers" search={{ integration: a.integrationId } as never}>Developers</Link>.</>);
  }

  return (
    <>
      <h1>Home</h1>
      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">Alerts</h2>
        {alerts.length === 0 ? <p className="empty">Nothing needs your attention.</p> : (
          <ul className="alerts">
            {alerts.map((a, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a static list rebuilt each render
              <li key={n}>{a}</li>
            ))}
          </ul>
        )}
        {list.length === 0 ? <Notice>Start by <Link to="/integrations/new">creating an integration</Link>: it gives you keys for Paynow Zimbabwe, Paynow.pl and PayDunya at once.</Notice> : null}
      </section>
      <section aria-labelledby="bal-h">
        <h2 id="bal-h">Balances ({mode})</h2>
        {totals.size === 0 ? <p className="empty">No {mode} money yet.</p> : (
          <ul className="cards">
            {[...totals].map(([currency, t]) => (
              <li key={currency} className="card">
                <span className="card-label">{currency} available</span>
                <strong className="card-value">{formatMinor(t.available, currency)}</strong>
                <span className="card-sub">Pending {formatMinor(t.pending, currency)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="vol-h">
        <h2 id="vol-h">Last 30 days ({currency})</h2>
        <VolumeChart points={points} currency={currency} />
        <details>
          <summary>The same as a table</summary>
          <div className="table-wrap" role="region" aria-label="Volume per day" tabIndex={0}>
            <table>
              <thead>
                <tr><th scope="col">Day</th><th scope="col">Payments</th><th scope="col">Amount</th></tr>
              </thead>
              <tbody>
                {points.filter((p) => p.count > 0).map((p) => (
                  <tr key={p.day}><td>{p.day}</td><td>{p.count}</td><td>{formatMinor(p.minor, currency)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent payments</h2>
        {recent.error ? <ErrorBox error={recent.error} /> : <PaymentsTable payments={recent.data ?? []} />}
        <p><Link to="/payments">All payments</Link></p>
      </section>
    </>
  );
}
