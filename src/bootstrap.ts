import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Config } from './config.js';
import type { Keyring } from './core/crypto.js';
import { checkKeyring, loadMasterKey } from './services/secrets/master-key.js';
import { openStore, type Store, type StoreOptions } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { putMetaOnce } from './store/repos/meta.js';

/** A start-up failure the user can act on: printed as one line, exit code 1. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface Runtime {
  store: Store;
  keyring: Keyring;
}

/**
 * True for exactly one start of a database: the first that got as far as serving. Claimed after
 * listening, so a first start that failed (a busy port) leaves the next start first.
 */
export async function claimFirstStart(store: Store): Promise<boolean> {
  const stamp = `${new Date().toISOString()} ${process.pid} ${Math.random()}`;
  return (await putMetaOnce(store.db, 'initialized_at', stamp)) === stamp;
}

function ensureWritableDir(dir: string): void {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    accessSync(abs, constants.W_OK | constants.R_OK);
  } catch (err) {
    throw new StartupError(`the data directory ${abs} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * What serve and every CLI command do first: check the data directory, reach the database,
 * bring the schema up to date, and open the secrets with the master key.
 */
export async function openRuntime(config: Config, say: (line: string) => void, storeOptions: Pick<StoreOptions, 'rerunUnits'> = {}): Promise<Runtime> {
  ensureWritableDir(config.dataDir);
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, ...storeOptions });
  try {
    try {
      await sql`select 1`.execute(store.db);
    } catch (err) {
      throw new StartupError(`cannot reach the database at ${store.location}: ${(err as Error).message}`);
    }
    await migrateToLatest(store, (name) => say(`applied migration ${name}`));
    let keyring: Keyring;
    try {
      keyring = await checkKeyring(store, loadMasterKey(config.dataDir, config.masterKey).key);
    } catch (err) {
      throw new StartupError((err as Error).message);
    }
    return { store, keyring };
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}

/** The start-up banner: where the gateway listens (with how many processes, when several) and on which database. */
export function announceListening(say: (line: string) => void, url: string, store: Pick<Store, 'kind' | 'location'>, processes = 1): void {
  const where = `${store.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} at ${store.location}`;
  say(`Tollgate is listening on ${url}${processes > 1 ? ` with ${processes} processes` : ''} (${where})`);
  // "Start page", as the page at / calls itself, until the merchant dashboard is served there.
  say(`  Start page ${url}/`);
  say(`  API docs   ${url}/docs`);
}
