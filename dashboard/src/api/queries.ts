/** Reads several pages share, cached by TanStack Query under one key each. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import { type Integration, listOf, type Merchant, type Mode, type Payment } from './views';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: async () => (await unwrap<{ merchant: Merchant }>(api.GET('/api/me'))).merchant });
}

export function useIntegrations() {
  return useQuery({ queryKey: ['integrations'], queryFn: async () => listOf<Integration>(await unwrap(api.GET('/api/integrations')), 'integrations').data });
}

/** One integration's payments in a mode, newest first (a page of them). */
export function usePayments(integrationId: string | undefined, mode: Mode, extra: Record<string, string> = {}, cursor?: string) {
  return useQuery({
    queryKey: ['payments', integrationId, mode, extra, cursor],
    enabled: !!integrationId,
    queryFn: async () => {
      const query = { limit: 50, mode, ...extra, ...(cursor ? { cursor } : {}) } as Record<string, unknown>;
      const page = listOf<Payment>(await unwrap(api.GET('/api/integrations/{id}/payments', { params: { path: { id: integrationId! }, query: query as never } })), 'payments');
      // An API without the mode filter answers every mode: the switch still decides what is shown.
      return { ...page, data: page.data.filter((p) => p.mode === mode) };
    },
  });
}

export interface BalanceRow {
  mode: Mode;
  currency: string;
  available: number;
  pending: number;
  inTransit?: number;
  fees?: number;
}

/** Balances of an integration, flattened to rows whatever shape the API nests them in. */
export function useBalances(integrationId: string | undefined) {
  return useQuery({
    queryKey: ['balances', integrationId],
    enabled: !!integrationId,
    queryFn: async () => flattenBalances((await unwrap<{ balances: unknown }>(api.GET('/api/integrations/{id}/balances', { params: { path: { id: integrationId! } } }))).balances),
  });
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'minor' in v) return Number((v as { minor: number }).minor);
  return 0;
}

export function flattenBalances(b: unknown): BalanceRow[] {
  const rows: BalanceRow[] = [];
  const push = (mode: string, currency: string, o: Record<string, unknown>) =>
    rows.push({ mode: mode === 'live' ? 'live' : 'test', currency, available: num(o.available ?? o.availableMinor), pending: num(o.pending ?? o.pendingMinor), inTransit: num(o.inTransit ?? o.inTransitMinor), fees: num(o.fees ?? o.feesMinor) });
  if (Array.isArray(b)) {
    for (const o of b as Record<string, unknown>[]) push(String(o.mode), String(o.currency), o);
  } else if (b && typeof b === 'object') {
    for (const [mode, perCurrency] of Object.entries(b as Record<string, unknown>)) {
      if (Array.isArray(perCurrency)) for (const o of perCurrency as Record<string, unknown>[]) push(mode, String(o.currency), o);
      else if (perCurrency && typeof perCurrency === 'object') for (const [currency, o] of Object.entries(perCurrency as Record<string, unknown>)) push(mode, currency, (o ?? {}) as Record<string, unknown>);
    }
  }
  return rows;
}
