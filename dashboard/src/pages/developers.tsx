/** Developers: the test-mode request log with the hash or signature detail, endpoint health, the sandbox clock, fictitious customers, API tokens. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearch } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import { type ApiToken, CURRENCY_CODES, type Currency, type Customer, formatMinor, isCurrency, formatTime, type Integration, type NotificationEndpoint, parseAmount, type SignatureDiagnosis } from '../api/views';
import { useChosenIntegration } from '../components/IntegrationPicker';
import { Busy, DataTable, ErrorBox, Field, formValues, Loading, Notice, Pairs, Select } from '../components/ui';


export function DevelopersPage(): ReactNode {
  const { integration, picker, loading, error } = useChosenIntegration();
  if (loading) return <Loading what="integrations" />;
  return (
    <>
      <h1>Developers</h1>
      <ErrorBox error={error} />
      {picker}
      {integration ? (
        <>
          <RequestLog integration={integration} />
          <Endpoints integration={integration} />
          <SandboxClock integration={integration} />
          <Customers integration={integration} />
        </>
      ) : (
        <Notice>
          <Link to="/integrations/new">Create an integration</Link> to see its requests and use the sandbox.
        </Notice>
      )}
      <Tokens />
    </>
  );
}

/** A failed hash or signature as the API diagnosed it: the likely mistake, the strings hashed, both values, where they part. */
function Diagnosis({ d }: { d: SignatureDiagnosis }): ReactNode {
  const diff = d.firstDifference;
  const byte = (b: string | null) => (b === null ? 'nothing (the string ends)' : `0x${b}`);
  return (
    <div className="diagnosis">
      <p className="msg msg-warn">
        <strong>{d.mistake.replace(/-/g, ' ')}</strong>
        {d.confirmed ? ' (reproduced exactly)' : ' (most likely)'}: {d.explanation}
      </p>
      <Pairs
        rows={[
          [`The string we hashed${d.shownFrom ? ` (from byte ${d.shownFrom})` : ''}`, <code className="wrap">{d.oursHashed}</code>],
          ['The string you most likely hashed', d.theirsHashed === null ? '—' : <code className="wrap">{d.theirsHashed}</code>],
          ['Our value', <code className="wrap">{d.ourSignature}</code>],
          ['Your value', <code className="wrap">{d.theirSignature}</code>],
          ['First differing byte', diff ? `at offset ${diff.offset}: ours ${byte(diff.ours)}, yours ${byte(diff.theirs)}` : 'none: the strings are the same, the key differs'],
        ]}
      />
    </div>
  );
}

function RequestLog({ integration }: { integration: Integration }): ReactNode {
  const search = useSearch({ strict: false }) as { request?: string };
  const q = useQuery({
    queryKey: ['request-log', integration.id],
    queryFn: () => unwrap(api.GET('/api/integrations/{id}/request-log', { params: { path: { id: integration.id }, query: { limit: 100 } } })),
  });
  return (
    <section aria-labelledby="log-h">
      <h2 id="log-h">Request log (test mode)</h2>
      <p className="hint">Every request this integration sent in test mode: what we received, what we answered, and the hash or signature we computed.</p>
      {q.isPending ? <Loading what="the request log" /> : q.error ? <ErrorBox error={q.error} /> : q.data.data.length === 0 ? <p className="empty">No test-mode requests yet. Point an SDK at this gateway (see the integration's page) and send one.</p> : (
        <ul className="log">
          {q.data.failedNotLogged > 0 ? <li className="msg msg-warn">{q.data.failedNotLogged} failed requests were only counted, not stored (rate limit).</li> : null}
          {q.data.data.map((e) => (
            <li key={e.id}>
              <details open={search.request === e.id}>
                <summary>
                  <span className={`status status-${Math.floor(e.responseStatus / 100)}xx`}>{e.responseStatus}</span> {e.method} <code>{e.path}</code> · {e.dialect} · {formatTime(e.createdAt)}
                  {e.diagnosis ? ' · signature failed' : ''}
                </summary>
                <h3>What we received</h3>
                <pre tabIndex={0}>{Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}{'\n\n'}{e.body}</pre>
                <h3>What we answered</h3>
                <pre tabIndex={0}>{e.responseBody}</pre>
                <h3>Hash or signature</h3>
                {e.diagnosis ? <Diagnosis d={e.diagnosis} /> : e.signature ? <Pairs rows={[['We computed', <code className="wrap">{e.signature}</code>]]} /> : <p className="empty">None checked on this request.</p>}
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Endpoints({ integration }: { integration: Integration }): ReactNode {
  const q = useQuery({
    queryKey: ['endpoints', integration.id],
    queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/endpoints', { params: { path: { id: integration.id } } }))).data,
  });
  const col = createColumnHelper<NotificationEndpoint>();
  return (
    <section aria-labelledby="ep-h">
      <h2 id="ep-h">Notification endpoints</h2>
      <p>Result URL: {integration.notificationUrl ? <code>{integration.notificationUrl}</code> : 'none set'} · <Link to="/integrations/$id" params={{ id: integration.id }}>change</Link></p>
      {q.isPending ? <Loading what="endpoint health" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Endpoint health"
          empty="No notifications sent yet."
          data={q.data}
          columns={[col.accessor('url', { header: 'Endpoint' }), col.accessor('delivered', { header: 'Delivered' }), col.accessor('failed', { header: 'Failed' }), col.accessor('pending', { header: 'Retrying' }), col.accessor((r) => (r.failing ? 'failing' : 'healthy'), { id: 'health', header: 'Health' }), col.accessor((r) => formatTime(r.lastAt), { id: 'last', header: 'Last' })]}
        />
      )}
    </section>
  );
}

function SandboxClock({ integration }: { integration: Integration }): ReactNode {
  const advance = useMutation({ mutationFn: (seconds: number) => unwrap(api.POST('/api/integrations/{id}/sandbox/advance', { params: { path: { id: integration.id } }, body: { seconds } })) });
  if (integration.mode !== 'test') return null;
  return (
    <section aria-labelledby="clock-h">
      <h2 id="clock-h">Sandbox clock</h2>
      <p className="hint">Move this integration's clock forward: expiries, timers and retry waits that fall due run now.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          advance.mutate(Number(formValues(e.currentTarget).seconds));
        }}
      >
        <Select
          label="Advance by"
          name="seconds"
          options={[
            { value: '60', label: '1 minute' },
            { value: '3600', label: '1 hour' },
            { value: '86400', label: '1 day' },
            { value: '604800', label: '7 days' },
          ]}
          defaultValue="3600"
        />
        <ErrorBox error={advance.error} />
        {advance.data ? <Notice tone="ok">The clock is {advance.data.offsetSeconds} s ahead; {advance.data.jobsRun} due jobs ran.</Notice> : null}
        <Busy busy={advance.isPending}>Advance clock</Busy>
      </form>
    </section>
  );
}

function Customers({ integration }: { integration: Integration }): ReactNode {
  const queryClient = useQueryClient();
  const key = ['customers', integration.id];
  const q = useQuery({ queryKey: key, queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/customers', { params: { path: { id: integration.id }, query: { limit: 200 } } }))).data });
  const create = useMutation({ mutationFn: (b: { name: string; email: string; phone: string; balance: number; currency: Currency }) => unwrap(api.POST('/api/integrations/{id}/customers', { params: { path: { id: integration.id } }, body: b })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
  const reload = useMutation({ mutationFn: (b: { customerId: string; amount: number }) => unwrap(api.POST('/api/integrations/{id}/customers/{customerId}/reload', { params: { path: { id: integration.id, customerId: b.customerId } }, body: { amount: b.amount } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
  const [formError, setFormError] = useState<string | null>(null);
  if (integration.mode !== 'test') return null;
  const col = createColumnHelper<Customer>();
  return (
    <section aria-labelledby="cus-h">
      <h2 id="cus-h">Fictitious customers</h2>
      <p className="hint">They pay test payments from their balance (by email or phone at the checkout).</p>
      {q.isPending ? <Loading what="customers" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="Fictitious customers"
          empty="No fictitious customers yet."
          data={q.data}
          columns={[
            col.accessor('name', { header: 'Name' }),
            col.accessor('email', { header: 'Email' }),
            col.accessor('phone', { header: 'Phone' }),
            col.accessor((c) => formatMinor(c.balance, c.currency), { id: 'balance', header: 'Balance' }),
            col.display({
              id: 'reload',
              header: 'Reload',
              cell: (c) => (
                <Busy busy={reload.isPending && reload.variables?.customerId === c.row.original.id} kind="secondary" type="button" onClick={() => reload.mutate({ customerId: c.row.original.id, amount: 10_000 })}>
                  Add {formatMinor(10_000, c.row.original.currency)}
                  <span className="sr-only"> to {c.row.original.name}</span>
                </Busy>
              ),
            }),
          ]}
        />
      )}
      <ErrorBox error={reload.error} />
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const v = formValues(e.currentTarget);
          const currency = v.currency && isCurrency(v.currency) ? v.currency : 'USD';
          const balance = parseAmount(v.balance || '0', currency);
          if (balance === null) return setFormError(`Write the balance as a number like 100.00 (${currency}).`);
          setFormError(null);
          create.mutate({ name: v.name ?? '', email: v.email ?? '', phone: v.phone ?? '', balance, currency });
        }}
      >
        <h3>New fictitious customer</h3>
        <Field label="Name" name="name" required />
        <Field label="Email" name="email" type="email" required />
        <Field label="Phone" name="phone" type="tel" required hint="Digits, optionally with a leading +." />
        <Field label="Starting balance" name="balance" inputMode="decimal" defaultValue="100.00" />
        <Select label="Currency" name="currency" options={CURRENCY_CODES} defaultValue="USD" />
        {formError ? <p className="msg msg-error" role="alert">{formError}</p> : null}
        <ErrorBox error={create.error} />
        <Busy busy={create.isPending}>Create customer</Busy>
      </form>
    </section>
  );
}

function Tokens(): ReactNode {
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['tokens'], queryFn: async () => (await unwrap(api.GET('/api/tokens', { params: { query: { limit: 200 } } }))).data.filter((t) => t.revokedAt === null) });
  const create = useMutation({ mutationFn: (name: string) => unwrap(api.POST('/api/tokens', { body: { name } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }) });
  const revoke = useMutation({ mutationFn: (id: string) => unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id } } })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }) });
  const col = createColumnHelper<ApiToken>();
  return (
    <section aria-labelledby="tok-h">
      <h2 id="tok-h">API tokens</h2>
      <p className="hint">For scripts: send <code>Authorization: Bearer tg_…</code>. A token acts as you, in both modes.</p>
      {q.isPending ? <Loading what="tokens" /> : q.error ? <ErrorBox error={q.error} /> : (
        <DataTable
          caption="API tokens"
          empty="No API tokens."
          data={q.data}
          columns={[
            col.accessor('name', { header: 'Name' }),
            col.accessor((t) => formatTime(t.createdAt), { id: 'created', header: 'Created' }),
            col.accessor((t) => formatTime(t.lastUsedAt), { id: 'used', header: 'Last used' }),
            col.display({
              id: 'revoke',
              header: 'Revoke',
              cell: (c) => (
                <Busy busy={revoke.isPending && revoke.variables === c.row.original.id} kind="danger" type="button" onClick={() => revoke.mutate(c.row.original.id)}>
                  Revoke<span className="sr-only"> {c.row.original.name}</span>
                </Busy>
              ),
            }),
          ]}
        />
      )}
      <ErrorBox error={revoke.error} />
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(formValues(e.currentTarget).name ?? '');
        }}
      >
        <Field label="New token name" name="name" required />
        <ErrorBox error={create.error} />
        {create.data ? (
          <Notice tone="warn">
            Copy it now, it is shown once: <code className="wrap">{create.data.token}</code>
          </Notice>
        ) : null}
        <Busy busy={create.isPending}>Create token</Busy>
      </form>
    </section>
  );
}
