/** Integrations: the list, creating one (credentials shown once), editing every setting, keys, going live, SDK snippets. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { useIntegrations } from '../api/queries';
import { formatTime, type Integration } from '../api/views';
import { Busy, Check, DataTable, ErrorBox, Field, formValues, Loading, Notice, Pairs, Select } from '../components/ui';
import { type SnippetKeys, snippets } from './snippets';

export const METHODS = ['ecocash', 'onemoney', 'innbucks', 'omari', 'card', 'zimswitch', 'blik', 'pay_by_link', 'wallet', 'mobile_money'] as const;
const GROUPS = ['paynow-zw', 'paynow-pl-sandbox', 'paynow-pl-production', 'paydunya-master', 'paydunya-test', 'paydunya-live', 'tollgate-webhook'] as const;
const col = createColumnHelper<Integration>();

export function goLiveText(i: Integration): string {
  switch (i.goLive.state) {
    case 'requested':
      return `requested ${formatTime(i.goLive.requestedAt)}, waiting for an operator`;
    case 'approved':
      return `approved ${formatTime(i.goLive.decidedAt)}`;
    case 'rejected':
      return `refused ${formatTime(i.goLive.decidedAt)}: ${i.goLive.reason ?? 'no reason given'}`;
    default:
      return 'not requested';
  }
}

export function IntegrationsPage(): ReactNode {
  const q = useIntegrations();
  const columns = [
    col.accessor('name', { header: 'Name', cell: (c) => <Link to="/integrations/$id" params={{ id: c.row.original.id }}>{c.getValue()}</Link> }),
    col.accessor('mode', { header: 'Mode', cell: (c) => <span className={`badge badge-${c.getValue()}`}>{c.getValue()}</span> }),
    col.accessor((i) => goLiveText(i), { id: 'golive', header: 'Go live' }),
    col.accessor('paynowZwIntegrationId', { header: 'Paynow ZW id' }),
    col.accessor((i) => (i.disabled ? 'disabled' : 'active'), { id: 'status', header: 'Status' }),
  ];
  return (
    <>
      <h1>Integrations</h1>
      <p>
        <Link className="btn btn-primary" to="/integrations/new">New integration</Link>
      </p>
      {q.isPending ? <Loading what="integrations" /> : q.error ? <ErrorBox error={q.error} /> : <DataTable columns={columns} data={q.data} caption="Integrations" empty="No integrations yet. Create one to get keys for every gateway." />}
    </>
  );
}

function settingsBody(form: HTMLFormElement, partial: boolean) {
  const v = formValues(form);
  const methods = METHODS.filter((m) => (form.elements.namedItem(`m-${m}`) as HTMLInputElement | null)?.checked);
  return {
    ...(partial && !v.name ? {} : { name: v.name ?? '' }),
    notificationUrl: v.notificationUrl ? v.notificationUrl : null,
    notificationEmail: v.notificationEmail ? v.notificationEmail : null,
    note: v.note ? v.note : null,
    enabledMethods: methods,
    absorbFees: v.absorbFees === 'on',
    paynowZwCurrency: (v.paynowZwCurrency === 'ZWG' ? 'ZWG' : 'USD') as 'USD' | 'ZWG',
  };
}

function SettingsFields({ i }: { i?: Integration }): ReactNode {
  return (
    <>
      <Field label="Name" name="name" defaultValue={i?.name} required />
      <Field label="Notification URL" name="notificationUrl" type="url" defaultValue={i?.notificationUrl ?? ''} hint="Where we POST payment updates (result URL). Empty: none." />
      <Field label="Notification email" name="notificationEmail" type="email" defaultValue={i?.notificationEmail ?? ''} hint="Mailed when a payment is paid. Empty: none." />
      <fieldset className="methods">
        <legend>Payment methods offered</legend>
        {METHODS.map((m) => (
          <Check key={m} label={m.replace(/_/g, ' ')} name={`m-${m}`} defaultChecked={i ? i.enabledMethods.includes(m) : true} />
        ))}
      </fieldset>
      <Select label="Paynow Zimbabwe currency" name="paynowZwCurrency" options={['USD', 'ZWG']} defaultValue={i?.paynowZwCurrency ?? 'USD'} />
      <Check label="Absorb fees (you pay the fee, not your customer)" name="absorbFees" defaultChecked={i?.absorbFees ?? true} />
      <div className="field">
        <label htmlFor="note">Note (only you see it)</label>
        <textarea id="note" name="note" defaultValue={i?.note ?? ''} rows={2} />
      </div>
    </>
  );
}

/** Credentials as the API returned them once: nested names and values, each copyable. */
function Credentials({ value }: { value: unknown }): ReactNode {
  const rows: [string, string][] = [];
  const walk = (v: unknown, path: string) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    else rows.push([path, String(v)]);
  };
  walk(value, '');
  return (
    <dl className="pairs creds">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function NewIntegrationPage(): ReactNode {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: ReturnType<typeof settingsBody>) => unwrap(api.POST('/api/integrations', { body: { ...body, name: body.name ?? '' } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['integrations'] }),
  });
  if (create.data) {
    const { integration, credentials: c } = create.data;
    const keys: SnippetKeys = {
      zwId: integration.paynowZwIntegrationId,
      zwKey: c.paynowZw?.integrationKey,
      plApiKey: c.paynowPl?.sandbox?.apiKey,
      plSignatureKey: c.paynowPl?.sandbox?.signatureKey,
      pdMaster: c.paydunya?.masterKey,
      pdPrivate: c.paydunya?.test?.privateKey,
      pdToken: c.paydunya?.test?.token,
    };
    return (
      <>
        <h1>{integration.name} is ready</h1>
        <Notice tone="warn">Copy these keys now: this is the only time we show them. They were also emailed to your company address.</Notice>
        <section aria-labelledby="creds-h">
          <h2 id="creds-h">Credentials</h2>
          <Credentials value={c} />
        </section>
        <Snippets keys={keys} />
        <p>
          <Link className="btn btn-primary" to="/integrations/$id" params={{ id: integration.id }}>
            I have saved them: open {integration.name}
          </Link>
        </p>
      </>
    );
  }
  return (
    <section className="narrow">
      <h1>New integration</h1>
      <p>One integration answers Paynow Zimbabwe, Paynow.pl and PayDunya clients at once. It starts in test mode.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(settingsBody(e.currentTarget, false));
        }}
      >
        <SettingsFields />
        <ErrorBox error={create.error} />
        <Busy busy={create.isPending}>Create integration</Busy>
      </form>
    </section>
  );
}

function Snippets({ keys }: { keys: SnippetKeys }): ReactNode {
  const list = snippets(window.location.origin, keys);
  return (
    <section aria-labelledby="sdk-h">
      <h2 id="sdk-h">Point the official SDKs at this gateway</h2>
      {list.map((s) => (
        <details key={`${s.gateway}-${s.language}`} className="snippet">
          <summary>
            {s.gateway}: {s.language}
          </summary>
          <pre tabIndex={0}>
            <code>{s.code}</code>
          </pre>
        </details>
      ))}
    </section>
  );
}

export function IntegrationPage(): ReactNode {
  const { id } = useParams({ strict: false }) as { id: string };
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ['integration', id], queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}', { params: { path: { id } } }))).integration });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['integration', id] });
    void queryClient.invalidateQueries({ queryKey: ['integrations'] });
  };
  const save = useMutation({ mutationFn: (body: object) => unwrap(api.PATCH('/api/integrations/{id}', { params: { path: { id } }, body: body as never })), onSuccess: refresh });
  const emailKeys = useMutation({ mutationFn: () => unwrap(api.POST('/api/integrations/{id}/email-keys', { params: { path: { id } } })) });
  const rotate = useMutation({ mutationFn: (body: { groups?: string[]; graceSeconds?: number }) => unwrap(api.POST('/api/integrations/{id}/rotate-keys', { params: { path: { id } }, body: body as never })), onSuccess: refresh });
  const goLive = useMutation({ mutationFn: () => unwrap(api.POST('/api/integrations/{id}/go-live', { params: { path: { id } } })), onSuccess: refresh });
  const [confirmRotate, setConfirmRotate] = useState(false);

  if (q.isPending) return <Loading what="the integration" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const i = q.data;
  return (
    <>
      <h1>{i.name}</h1>
      <Pairs
        rows={[
          ['Mode', <span className={`badge badge-${i.mode}`}>{i.mode}</span>],
          ['Status', i.disabled ? 'disabled' : 'active'],
          ['Paynow Zimbabwe integration id', String(i.paynowZwIntegrationId)],
          ['Created', formatTime(i.createdAt)],
        ]}
      />
      <p>
        <Link to="/payments" search={{ integration: i.id } as never}>Payments</Link> · <Link to="/developers" search={{ integration: i.id } as never}>Request log and sandbox</Link> · <Link to="/money" search={{ integration: i.id } as never}>Money</Link>
      </p>

      <section aria-labelledby="golive-h">
        <h2 id="golive-h">Request to be set live</h2>
        <p>State: <strong>{goLiveText(i)}</strong></p>
        {i.mode === 'test' && i.goLive.state !== 'requested' ? (
          <>
            <p>You need a verified email address and one successful test payment. An operator then reviews the request.</p>
            <Busy busy={goLive.isPending} type="button" onClick={() => goLive.mutate()}>
              Request to be Set Live
            </Busy>
          </>
        ) : null}
        {goLive.isSuccess ? <Notice tone="ok">Requested. We will email you when an operator decides.{goLive.data.warnings?.length ? ` Note: ${goLive.data.warnings.join(' ')}` : ''}</Notice> : null}
        <ErrorBox error={goLive.error} />
      </section>

      <section aria-labelledby="keys-h">
        <h2 id="keys-h">Keys</h2>
        <p>Keys were shown once, when the integration was created. They can be emailed to your company address again, or replaced.</p>
        <Busy busy={emailKeys.isPending} kind="secondary" type="button" onClick={() => emailKeys.mutate()}>
          Email Key To Company Address
        </Busy>
        {emailKeys.isSuccess ? <Notice tone="ok">Sent to your company address.</Notice> : null}
        <ErrorBox error={emailKeys.error} />
        <form
          className="rotate"
          onSubmit={(e) => {
            e.preventDefault();
            if (!confirmRotate) {
              setConfirmRotate(true);
              return;
            }
            const f = e.currentTarget;
            const v = formValues(f);
            const groups = GROUPS.filter((g) => (f.elements.namedItem(`g-${g}`) as HTMLInputElement | null)?.checked);
            rotate.mutate({ ...(groups.length ? { groups } : {}), graceSeconds: Number(v.grace ?? 0) });
            setConfirmRotate(false);
          }}
        >
          <h3>Generate New Key</h3>
          <Select
            label="Old keys stop working"
            name="grace"
            options={[
              { value: '0', label: 'at once (as Paynow does)' },
              { value: '3600', label: 'in 1 hour' },
              { value: '86400', label: 'in 24 hours' },
              { value: '604800', label: 'in 7 days' },
            ]}
            defaultValue="0"
          />
          <fieldset className="methods">
            <legend>Which keys (none ticked: all of them)</legend>
            {GROUPS.map((g) => (
              <Check key={g} label={g} name={`g-${g}`} />
            ))}
          </fieldset>
          {confirmRotate ? <Notice tone="warn">Your systems must switch to the new keys, which we email to your company address. Press again to confirm.</Notice> : null}
          <Busy busy={rotate.isPending} kind={confirmRotate ? 'danger' : 'primary'}>
            {confirmRotate ? 'Yes, generate new keys' : 'Generate New Key'}
          </Busy>
          {rotate.isSuccess ? <Notice tone="ok">New keys generated and emailed to your company address.</Notice> : null}
          <ErrorBox error={rotate.error} />
        </form>
      </section>

      <section aria-labelledby="settings-h">
        <h2 id="settings-h">Settings</h2>
        <form
          key={i.updatedAt}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(settingsBody(e.currentTarget, true));
          }}
        >
          <SettingsFields i={i} />
          <ErrorBox error={save.error} />
          {save.isSuccess ? <Notice tone="ok">Saved.</Notice> : null}
          <Busy busy={save.isPending}>Save settings</Busy>
        </form>
        <p>
          <Busy
            busy={save.isPending}
            kind={i.disabled ? 'secondary' : 'danger'}
            type="button"
            onClick={() => save.mutate({ disabled: !i.disabled }, { onSuccess: () => !i.disabled && void navigate({ to: '/integrations' }) })}
          >
            {i.disabled ? 'Enable integration' : 'Disable integration'}
          </Busy>
        </p>
      </section>
      <NotificationFaults integration={i} />
      <Snippets keys={{ zwId: i.paynowZwIntegrationId }} />
    </>
  );
}

const FAULTS = [
  ['duplicate', 'Duplicates', 'sent twice'],
  ['reorder', 'Reordering', "followed by the payment's previous notification again"],
  ['delay', 'Delays', 'held back before they are sent'],
  ['wrongSignature', 'Wrong signature', 'sent with a wrong signature or hash'],
  ['truncatedBody', 'Truncated body', 'cut to their first half'],
] as const;
type Faults = components['schemas']['NotificationFaults'];

/** Adversarial notifications: the switch, the faults and their rates; the API refuses them on a live integration. */
function NotificationFaults({ integration }: { integration: Integration }): ReactNode {
  const queryClient = useQueryClient();
  const key = ['notification-faults', integration.id];
  const q = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/integrations/{id}/notification-faults', { params: { path: { id: integration.id } } })) });
  const save = useMutation({
    mutationFn: (body: { rates: Faults['rates']; delayMs: number }) => unwrap(api.PUT('/api/integrations/{id}/notification-faults', { params: { path: { id: integration.id } }, body })),
    onSuccess: (f) => queryClient.setQueryData(key, f),
  });
  const [on, setOn] = useState<boolean | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  if (q.isPending) return <Loading what="adversarial notifications" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const f = q.data;
  const enabled = on ?? Object.values(f.rates).some((r) => r > 0);
  return (
    <section aria-labelledby="faults-h">
      <h2 id="faults-h">Adversarial notifications</h2>
      <p className="hint">Make this integration's test notifications misbehave as real gateways do, to prove your handler survives. Each injected fault is named in the delivery's attempts. Live notifications are never changed.</p>
      <form
        key={f.updatedAt ?? 'never'}
        onSubmit={(e) => {
          e.preventDefault();
          const v = formValues(e.currentTarget);
          const rates = Object.fromEntries(FAULTS.map(([name]) => [name, enabled ? Number(v[name] || 0) : 0])) as Faults['rates'];
          const delayMs = Number(v.delayMs || f.delayMs);
          if (Object.values(rates).some((r) => !Number.isInteger(r) || r < 0 || r > 100) || !Number.isInteger(delayMs)) return setFormError('Rates are whole percentages from 0 to 100; the delay is whole milliseconds.');
          setFormError(null);
          save.mutate({ rates, delayMs });
        }}
      >
        <div className="check">
          <input id="faults-on" type="checkbox" checked={enabled} onChange={(e) => setOn(e.target.checked)} />
          <label htmlFor="faults-on">Inject faults into test notifications</label>
        </div>
        {enabled ? (
          <fieldset>
            <legend>Faults and their rates (percent of attempts)</legend>
            {FAULTS.map(([name, label, does]) => (
              <Field key={name} label={`${label} (%)`} name={name} type="number" min={0} inputMode="numeric" defaultValue={f.rates[name]} hint={`Attempts ${does}.`} />
            ))}
            <Field label="Delay (ms)" name="delayMs" type="number" min={0} inputMode="numeric" defaultValue={f.delayMs} hint="How long a delayed attempt waits." />
          </fieldset>
        ) : null}
        {formError ? <p className="msg msg-error" role="alert">{formError}</p> : null}
        <ErrorBox error={save.error} />
        {save.isSuccess && !save.isPending ? <Notice tone="ok">{Object.values(save.data.rates).some((r) => r > 0) ? 'Faults on: new test notifications get them.' : 'Faults off.'}</Notice> : null}
        <Busy busy={save.isPending}>Save adversarial notifications</Busy>
      </form>
    </section>
  );
}
