/**
 * Who is logged in (merchant or operator, kept with the CSRF token after login) and which mode the
 * merchant is looking at. Both live in localStorage so every tab and every page agrees.
 */
import { useSyncExternalStore } from 'react';
import { setCsrfToken } from './api/client';
import type { Mode } from './api/views';

const WHO_KEY = 'tollgate.who';
const MODE_KEY = 'tollgate.mode';
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  const onStorage = () => l();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

export type Who = 'merchant' | 'operator' | null;

export function currentWho(): Who {
  const v = localStorage.getItem(WHO_KEY);
  return v === 'merchant' || v === 'operator' ? v : null;
}

export function signedIn(kind: 'merchant' | 'operator', csrfToken: string): void {
  localStorage.setItem(WHO_KEY, kind);
  setCsrfToken(csrfToken);
  notify();
}

export function signedOut(): void {
  localStorage.removeItem(WHO_KEY);
  setCsrfToken(null);
  notify();
}

export function useWho(): Who {
  return useSyncExternalStore(subscribe, currentWho);
}

export function currentMode(): Mode {
  return localStorage.getItem(MODE_KEY) === 'live' ? 'live' : 'test';
}

export function setMode(mode: Mode): void {
  localStorage.setItem(MODE_KEY, mode);
  notify();
}

export function useMode(): Mode {
  return useSyncExternalStore(subscribe, currentMode);
}
