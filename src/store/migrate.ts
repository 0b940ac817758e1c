import { Migrator } from 'kysely';
import type { Store } from './database.js';
import { migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
  current: boolean;
}

function migrator(store: Store): Migrator {
  return new Migrator({ db: store.db, provider: migrationProvider });
}

/**
 * Brings the schema to the latest version. On PostgreSQL the Migrator holds an advisory lock, so two
 * processes starting together apply each migration once; the loser waits and finds nothing to do.
 */
export async function migrateToLatest(store: Store, onStep?: (name: string) => void): Promise<MigrationReport> {
  const { error, results } = await migrator(store).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const name of applied) onStep?.(name);
  const failed = (results ?? []).find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${reason}` : `migrations failed: ${reason}`);
  }
  return { applied, current: true };
}

/** Names of migrations not yet applied; empty when the schema is current. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const all = await migrator(store).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
