import type { IntegrationId, MerchantId } from '../../src/core/ids.js';
/**
 * What the remote CLI suites share: a real gateway on 127.0.0.1 (its worker running), a verified
 * merchant with an API token and a test integration, and `tollgate` run against it with its own config
 * directory: a command to its end in this process through the bin's `runCli` (`cli`), a long-running
 * one as a child process (`spawn`).
 */
import assert from 'node:assert/strict';
import { tempDir, type DbKind } from '../helpers/dbs.js';
import { cleanEnv, type Finished, Proc, runCli } from '../helpers/process.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { ApiClient } from '../helpers/client.js';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createApiToken } from '../../src/services/merchants/sessions.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import type { CredentialSet } from '../../src/core/credentials.js';

export interface World {
  s: TestServer;
  api: ApiClient;
  token: string;
  merchantId: MerchantId;
  email: string;
  integrationId: IntegrationId;
  credentials: CredentialSet;
  /** The config directory the CLI writes its profiles to. */
  configDir: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Runs `tollgate …args --url … --token …` to its end. */
  cli(args: string[], extra?: Record<string, string>): Promise<Finished>;
  /** Starts a long-running `tollgate …args` (tail, listen) with the URL and token in its environment. */
  spawn(args: string[]): Proc;
}

let seq = 0;

export async function openWorld(kind: DbKind, options: TestServerOptions & { notificationUrl?: string } = {}): Promise<World> {
  const { notificationUrl, ...serverOptions } = options;
  const s = await startTestServer(kind, { worker: true, ...serverOptions });
  seq += 1;
  const email = `cli-${seq}-${Date.now().toString(36)}@example.test`;
  const { merchant } = await registerMerchant(s.app.deps, { email, password: 'a long password 1', companyName: 'CLI shop' }, { verified: true });
  const { token } = await createApiToken(s.app.deps, merchant.id, 'cli tests');
  const created = await createIntegration(s.app.deps, merchant.id, { name: 'Web shop', notificationUrl }, { kind: 'system', id: null });
  const api = new ApiClient(s.url);
  api.bearer = token;
  const configDir = tempDir('tollgate-cli-config-');
  const env = (extra: Record<string, string> = {}) => cleanEnv({ XDG_CONFIG_HOME: configDir, TOLLGATE_URL: s.url, TOLLGATE_TOKEN: token, ...extra });
  return {
    s,
    api,
    token,
    merchantId: merchant.id,
    email,
    integrationId: created.integration.id,
    credentials: created.credentials,
    configDir,
    env,
    cli: (args, extra) => runCli(args, env(extra)),
    spawn: (args) => new Proc(args, env()),
  };
}

/** A --json command that succeeded: exit 0, stdout one JSON document. */
export function jsonOf(r: Finished): any {
  assert.equal(r.exited?.code, 0, r.describe());
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`stdout is not JSON:${r.describe()}`);
  }
}

/** The JSON lines (NDJSON) a streaming command printed so far. */
export function jsonLines(p: Proc): any[] {
  return p.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}
