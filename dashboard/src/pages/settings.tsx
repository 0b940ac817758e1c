/** Settings: company details and payout account, email verification, password change. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { useMe } from '../api/queries';
import { Busy, ErrorBox, Field, formValues, Loading, Notice } from '../components/ui';
import { signedOut } from '../state';

export function SettingsPage(): ReactNode {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const save = useMutation({ mutationFn: (body: object) => unwrap(api.PATCH('/api/me', { body: body as never })), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['me'] }) });
  const resend = useMutation({ mutationFn: () => unwrap(api.POST('/api/me/resend-verification')) });
  const change = useMutation({ mutationFn: (b: { currentPassword: string; newPassword: string }) => unwrap(api.POST('/api/me/password', { body: b })) });
  if (me.isPending) return <Loading what="your account" />;
  if (me.error) return <ErrorBox error={me.error} />;
  const m = me.data;
  return (
    <>
      <h1>Settings</h1>
      <section aria-labelledby="email-h">
        <h2 id="email-h">Email</h2>
        <p>
          You log in as <strong>{m.email}</strong>: {m.emailVerified ? 'verified.' : 'not verified yet.'}
        </p>
        {!m.emailVerified ? (
          <>
            <Busy busy={resend.isPending} kind="secondary" type="button" onClick={() => resend.mutate()}>Send the verification link again</Busy>
            {resend.isSuccess ? <Notice tone="ok">Sent. Open the link in the mail, then reload this page.</Notice> : null}
            <ErrorBox error={resend.error} />
          </>
        ) : null}
      </section>
      <section aria-labelledby="company-h">
        <h2 id="company-h">Company and payout account</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const v = formValues(e.currentTarget);
            const bank = v.bankName || v.accountName || v.accountNumber ? { bankName: v.bankName, accountName: v.accountName, accountNumber: v.accountNumber, ...(v.branch ? { branch: v.branch } : {}), ...(v.swift ? { swift: v.swift } : {}) } : undefined;
            save.mutate({ companyName: v.companyName, companyEmail: v.companyEmail, ...(bank ? { bankAccount: bank } : {}) });
          }}
        >
          <Field label="Company name" name="companyName" defaultValue={m.companyName} required />
          <Field label="Company email (keys and notices)" name="companyEmail" type="email" defaultValue={m.companyEmail} required />
          <fieldset>
            <legend>Payout bank account</legend>
            <Field label="Bank" name="bankName" defaultValue={m.bankAccount?.bankName} />
            <Field label="Account name" name="accountName" defaultValue={m.bankAccount?.accountName} />
            <Field label="Account number" name="accountNumber" defaultValue={m.bankAccount?.accountNumber} />
            <Field label="Branch (optional)" name="branch" defaultValue={m.bankAccount?.branch} />
            <Field label="SWIFT/BIC (optional)" name="swift" defaultValue={m.bankAccount?.swift} />
          </fieldset>
          <ErrorBox error={save.error} />
          {save.isSuccess ? <Notice tone="ok">Saved.</Notice> : null}
          <Busy busy={save.isPending}>Save</Busy>
        </form>
      </section>
      <section aria-labelledby="pw-h">
        <h2 id="pw-h">Change password</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const v = formValues(e.currentTarget);
            change.mutate({ currentPassword: v.currentPassword ?? '', newPassword: v.newPassword ?? '' });
          }}
        >
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
          <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required hint="12 to 256 characters; not a common password, and not your email address. Your other sessions end." />
          <ErrorBox error={change.error} />
          {change.isSuccess ? <Notice tone="ok">Password changed. Every other session has ended.</Notice> : null}
          <Busy busy={change.isPending}>Change password</Busy>
        </form>
      </section>
      <p>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={async () => {
            await api.POST('/api/auth/logout').catch(() => undefined);
            signedOut();
            queryClient.clear();
            void navigate({ to: '/login' });
          }}
        >
          Log out
        </button>
      </p>
    </>
  );
}
