import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyring, type Keyring, MASTER_KEY_BYTES, parseMasterKey } from '../../core/crypto.js';
import type { Store } from '../../store/database.js';
import { putMetaOnce } from '../../store/repos/meta.js';

export const MASTER_KEY_FILE = 'master.key';
const KEYCHECK = 'keycheck';
const KEYCHECK_PLAINTEXT = 'tollgate-keycheck-v1';

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/**
 * The master key comes from TOLLGATE_MASTER_KEY, else from the key file in the data directory,
 * else it is generated into that file with mode 0600.
 */
export function loadMasterKey(dataDir: string, fromEnv: string | undefined): { key: Buffer; source: string } {
  if (fromEnv !== undefined) {
    try {
      return { key: parseMasterKey(fromEnv), source: 'TOLLGATE_MASTER_KEY' };
    } catch (err) {
      throw new MasterKeyError(`TOLLGATE_MASTER_KEY: ${(err as Error).message}`);
    }
  }
  const file = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    try {
      return { key: parseMasterKey(readFileSync(file, 'utf8')), source: file };
    } catch (err) {
      throw new MasterKeyError(`${file}: ${(err as Error).message}`);
    }
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: `${file} (generated)` };
}

/**
 * Proves the key opens this database's secrets: the first start stores a value encrypted under it,
 * every later start must decrypt that value, or start is refused.
 */
export async function checkKeyring(store: Store, masterKey: Buffer): Promise<Keyring> {
  const keyring = createKeyring(masterKey);
  const stored = await putMetaOnce(store.db, KEYCHECK, keyring.encrypt(KEYCHECK_PLAINTEXT));
  let opened = '';
  try {
    opened = keyring.decrypt(stored);
  } catch {
    opened = '';
  }
  if (opened !== KEYCHECK_PLAINTEXT) {
    throw new MasterKeyError(
      'the master key does not open the secrets in this database (set TOLLGATE_MASTER_KEY to the key it was created with, or restore master.key in the data directory)',
    );
  }
  return keyring;
}
