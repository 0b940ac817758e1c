/** The integration a page is about, kept in the URL (?integration=) so links and reloads keep it. */
import { useNavigate, useRouterState, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useIntegrations } from '../api/queries';
import type { Integration } from '../api/views';
import { Select } from './ui';

export function useChosenIntegration(): { integration: Integration | undefined; picker: ReactNode; loading: boolean; error: unknown } {
  const q = useIntegrations();
  const search = useSearch({ strict: false }) as { integration?: string };
  const path = useRouterState({ select: (s) => s.location.pathname });
  const navigate = useNavigate();
  const list = q.data ?? [];
  const integration = list.find((i) => i.id === search.integration) ?? list[0];
  const picker =
    list.length > 1 ? (
      <Select label="Integration" name="integration" value={integration?.id} onChange={(v) => void navigate({ to: path, search: { integration: v } as never })} options={list.map((i) => ({ value: i.id, label: `${i.name} (${i.mode})` }))} />
    ) : null;
  return { integration, picker, loading: q.isPending, error: q.error };
}
