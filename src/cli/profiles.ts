import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { TollgateError } from '../core/errors.js';

/** What `tollgate login` saves: where a gateway is and the API token that opens it. */
export interface Profile {
  url: string;
  token: string;
  /** The integration commands act on when --integration is not given. */
  integration?: string;
  /** Test credentials `tollgate trigger` signs with (the `credentials` of `integration create --json`). */
  credentials?: unknown;
}

/** The user's config directory: XDG_CONFIG_HOME, else ~/.config (APPDATA on Windows). */
export function profilesFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || (process.platform === 'win32' && env.APPDATA) || join(env.HOME || homedir(), '.config');
  return join(base, 'tollgate', 'profiles.json');
}

export function readProfiles(env: Record<string, string | undefined>): Record<string, Profile> {
  const file = profilesFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as Record<string, Profile>;
  } catch {
    throw new TollgateError('validation', `${file} is not JSON: log in again (tollgate login)`);
  }
}

/** Writes one profile; the file holds tokens, so it is 0600 from its first byte (written aside, then renamed). */
export function saveProfile(env: Record<string, string | undefined>, name: string, profile: Profile): string {
  const file = profilesFile(env);
  const all = { ...readProfiles(env), [name]: profile };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}
