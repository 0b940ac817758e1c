/** Reads several pages share, cached by TanStack Query under one key each. */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';
import type { Mode } from './views';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: async () => (await unwrap(api.GET('/api/me'))).merchant });
}

export function useIntegrations() {
  return useQuery({ queryKey: ['integrations'], queryFn: async () => (await unwrap(api.GET('/api/integrations', { params: { query: { limit: 200 } } }))).data });
}

/** One integration's payments in a mode, newest first, a page at a time, with the API's filters. */
export function usePayments(integrationId: string | undefined, mode: Mode, filters: PaymentFilters = {}, cursor?: string) {
  return useQuery({
    queryKey: ['payments', integrationId, mode, filters, cursor],
    enabled: !!integrationId,
    queryFn: () => unwrap(api.GET('/api/integrations/{id}/payments', { params: { path: { id: integrationId! }, query: { limit: 50, mode, ...filters, ...(cursor ? { cursor } : {}) } } })),
  });
}

/** The list's filters, as GET /api/payments takes them. */
export type PaymentFilters = Omit<NonNullable<paths['/api/payments']['get']['parameters']['query']>, 'limit' | 'cursor' | 'mode' | 'integrationId'>;

/** Balances of an integration, one per mode and currency. */
export function useBalances(integrationId: string | undefined) {
  return useQuery({
    queryKey: ['balances', integrationId],
    enabled: !!integrationId,
    queryFn: async () => (await unwrap(api.GET('/api/integrations/{id}/balances', { params: { path: { id: integrationId! } } }))).data,
  });
}
