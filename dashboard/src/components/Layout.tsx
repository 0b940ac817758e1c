/**
 * Every page's frame: a skip link, the navigation, the test/live switch (always visible, as in the best
 * dashboards, and a red band in test mode) and log out. Pages for signed-in people send others to log in.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { type ReactNode, useEffect } from 'react';
import { api } from '../api/client';
import { setMode, signedOut, useMode, useWho } from '../state';

const PUBLIC = new Set(['/login', '/signup', '/forgot-password']);

const MERCHANT_NAV = [
  ['/', 'Home'],
  ['/integrations', 'Integrations'],
  ['/payments', 'Payments'],
  ['/developers', 'Developers'],
  ['/money', 'Money'],
  ['/settings', 'Settings'],
] as const;

export function Layout(): ReactNode {
  const who = useWho();
  const mode = useMode();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isPublic = PUBLIC.has(path);

  useEffect(() => {
    if (!who && !isPublic) void navigate({ to: '/login', replace: true });
    else if (who === 'operator' && !isPublic && !path.startsWith('/operators')) void navigate({ to: '/operators', replace: true });
  }, [who, isPublic, path, navigate]);

  async function logout() {
    await api.POST('/api/auth/logout').catch(() => undefined);
    signedOut();
    queryClient.clear();
    void navigate({ to: '/login' });
  }

  useEffect(() => {
    const h1 = document.querySelector('h1');
    document.title = `${h1?.textContent ?? 'Dashboard'} — Tollgate`;
  });

  if (isPublic || !who) {
    return (
      <div className="shell shell-public">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <span className="brand">Tollgate</span>
        </header>
        <main id="main" tabIndex={-1}>
          {isPublic ? <Outlet /> : null}
        </main>
      </div>
    );
  }

  const nav = who === 'operator' ? ([['/operators', 'Operators']] as const) : MERCHANT_NAV;
  return (
    <div className={`shell mode-${who === 'operator' ? 'operator' : mode}`}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      {who === 'merchant' && mode === 'test' ? (
        <div className="test-band" role="note">
          Test mode: you are looking at test data. No real money moves.
        </div>
      ) : null}
      <header className="top">
        <span className="brand">Tollgate</span>
        <nav aria-label="Main">
          <ul>
            {nav.map(([to, label]) => (
              <li key={to}>
                <Link to={to} activeOptions={{ exact: to === '/' }} activeProps={{ 'aria-current': 'page', className: 'active' }}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="top-actions">
          {who === 'merchant' ? (
            <fieldset className="mode-switch">
              <legend className="sr-only">Data shown</legend>
              <label>
                <input type="radio" name="mode" value="test" checked={mode === 'test'} onChange={() => setMode('test')} /> Test
              </label>
              <label>
                <input type="radio" name="mode" value="live" checked={mode === 'live'} onChange={() => setMode('live')} /> Live
              </label>
            </fieldset>
          ) : (
            <span className="badge">Operator</span>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
