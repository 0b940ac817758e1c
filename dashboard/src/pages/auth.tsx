/** Log in (merchant or operator), sign up, and ask for a password reset link. */
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, api, errorText, unwrap } from '../api/client';
import { signedIn } from '../state';
import { Busy, Check, ErrorBox, Field, formValues, Notice } from '../components/ui';

export function LoginPage(): ReactNode {
  const navigate = useNavigate();
  const login = useMutation({
    mutationFn: (v: Record<string, string>) =>
      unwrap(api.POST('/api/auth/login', { body: { email: v.email ?? '', password: v.password ?? '', as: v.operator ? 'operator' : 'merchant' } })),
    onSuccess: (r) => {
      signedIn(r.kind, r.csrfToken);
      void navigate({ to: r.kind === 'operator' ? '/operators' : '/' });
    },
  });
  const locked = login.error instanceof ApiError && login.error.status === 423;
  return (
    <section className="narrow">
      <h1>Log in</h1>
      <form
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          login.mutate(formValues(e.currentTarget));
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <Check label="I am an operator of this gateway" name="operator" />
        {locked ? (
          <p className="msg msg-error" role="alert">
            Your account is locked after too many wrong passwords. {errorText(login.error)} Wait until then, or <Link to="/forgot-password">reset your password</Link>, which lifts the lock.
          </p>
        ) : (
          <ErrorBox error={login.error} />
        )}
        <Busy busy={login.isPending}>Log in</Busy>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link> · New here? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}

export function SignupPage(): ReactNode {
  const signup = useMutation({
    mutationFn: (v: Record<string, string>) =>
      unwrap(api.POST('/api/merchants', { body: { email: v.email ?? '', password: v.password ?? '', companyName: v.companyName ?? '', ...(v.companyEmail ? { companyEmail: v.companyEmail } : {}) } })),
  });
  if (signup.isSuccess) {
    return (
      <section className="narrow">
        <h1>Check your inbox</h1>
        <Notice tone="ok">We sent a link to the address you gave. Open it to verify your email, then log in.</Notice>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signup.mutate(formValues(e.currentTarget));
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="12 to 256 characters; not a common password, and not your email address." />
        <Field label="Company name" name="companyName" autoComplete="organization" required />
        <Field label="Company email (optional)" name="companyEmail" type="email" hint="Keys and notices go here; your login email when empty." />
        <ErrorBox error={signup.error} />
        <Busy busy={signup.isPending}>Create account</Busy>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}

export function ForgotPage(): ReactNode {
  const reset = useMutation({ mutationFn: (email: string) => unwrap(api.POST('/api/auth/password-reset', { body: { email } })) });
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      {reset.isSuccess ? (
        <Notice tone="ok">If an account has this address, a link to choose a new password is on its way. It works once, for one hour.</Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate(formValues(e.currentTarget).email ?? '');
          }}
        >
          <Field label="Email" name="email" type="email" autoComplete="email" required />
          <ErrorBox error={reset.error} />
          <Busy busy={reset.isPending}>Send me a link</Busy>
        </form>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </section>
  );
}
