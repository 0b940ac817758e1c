/**
 * The `tollgate` command line as an administrator uses it, judged by its exit code, its stdout (JSON with
 * --json) and its stderr: the first test runs bin/tollgate.js as child processes, the rest run the same
 * `runCli` in this process (a Node start-up per command cost the suite minutes).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { verifyPassword } from '../../src/services/merchants/passwords.js';
import { secretsOf } from '../helpers/credentials.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { cleanEnv, dbArgs, runCli } from '../helpers/process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAYDUNYA_MASTER = /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/;
const TOKEN = /^[A-Za-z0-9]{20}$/;
const ROTATION_GROUPS = ['paynow-zw', 'paynow-pl-sandbox', 'paynow-pl-production', 'paydunya-master', 'paydunya-test', 'paydunya-live'];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs the command in this process, with `input` on stdin and the environment of `cleanEnv`. */
async function runHere(args: string[], input = ''): Promise<Run> {
  const r = await runCli(args, cleanEnv(), input);
  return { code: r.exited.code, signal: null, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `node bin/tollgate.js …args` to its end, with `input` on stdin. */
function run(args: string[], input = ''): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/tollgate.js', ...args], { cwd: ROOT, env: cleanEnv(), stdio: 'pipe' });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      done({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function show(r: Run): string {
  return `exit ${r.code}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
}

/** A successful --json command: exit 0, stdout is one JSON document, nothing on stderr. */
function json(r: Run): any {
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stderr, '', show(r));
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`stdout is not JSON:\n${show(r)}`);
  }
}

/** A failed command: non-zero exit, nothing on stdout, exactly one clear line on stderr. */
function failsWithOneLine(r: Run, re: RegExp): string {
  assert.notEqual(r.code, 0, show(r));
  assert.equal(r.signal, null);
  assert.equal(r.stdout, '', show(r));
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, show(r));
  const line = lines[0] as string;
  assert.match(line, /^tollgate: /);
  assert.match(line, re);
  assert.doesNotMatch(line, /\bat .*\.(ts|js):\d+/, 'no stack trace');
  return line;
}

function keysOf(o: unknown): string[] {
  assert.equal(typeof o, 'object');
  assert.notEqual(o, null);
  return Object.keys(o as object).sort();
}

/** Every property name anywhere in a JSON value. */
function allKeys(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(allKeys);
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => [k, ...allKeys(x)]);
  return [];
}

/** Asserts the exact shape and formats of a credential set, and returns its secret values. */
function assertCredentialSet(c: any): string[] {
  assert.deepEqual(keysOf(c), ['paydunya', 'paynowPl', 'paynowZw', 'tollgate']);
  assert.deepEqual(keysOf(c.tollgate), ['webhookSecret']);
  assert.match(c.tollgate.webhookSecret, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.deepEqual(keysOf(c.paynowZw), ['integrationId', 'integrationKey']);
  assert.ok(Number.isSafeInteger(c.paynowZw.integrationId) && c.paynowZw.integrationId > 0, String(c.paynowZw.integrationId));
  assert.match(c.paynowZw.integrationKey, GUID);
  assert.deepEqual(keysOf(c.paynowPl), ['production', 'sandbox']);
  for (const env of ['sandbox', 'production']) {
    assert.deepEqual(keysOf(c.paynowPl[env]), ['apiKey', 'signatureKey']);
    assert.match(c.paynowPl[env].apiKey, GUID);
    assert.match(c.paynowPl[env].signatureKey, GUID);
  }
  assert.deepEqual(keysOf(c.paydunya), ['live', 'masterKey', 'test']);
  assert.match(c.paydunya.masterKey, PAYDUNYA_MASTER);
  for (const mode of ['test', 'live']) {
    assert.deepEqual(keysOf(c.paydunya[mode]), ['privateKey', 'publicKey', 'token']);
    assert.match(c.paydunya[mode].privateKey, new RegExp(`^${mode}_private_[A-Za-z0-9]{27}$`));
    assert.match(c.paydunya[mode].publicKey, new RegExp(`^${mode}_public_[A-Za-z0-9-]{27,43}$`));
    assert.match(c.paydunya[mode].token, TOKEN);
  }
  const secrets = secretsOf(c);
  assert.equal(new Set(secrets).size, secrets.length, 'every credential is distinct');
  return secrets;
}

/** The credential set with the given parts left out, for comparing what a change must not touch. */
function without(c: any, parts: ('zw' | 'plSandbox' | 'plProduction' | 'pdMaster' | 'pdTest' | 'pdLive')[]): unknown {
  const copy = structuredClone(c);
  if (parts.includes('zw')) delete copy.paynowZw.integrationKey;
  if (parts.includes('plSandbox')) delete copy.paynowPl.sandbox;
  if (parts.includes('plProduction')) delete copy.paynowPl.production;
  if (parts.includes('pdMaster')) delete copy.paydunya.masterKey;
  if (parts.includes('pdTest')) delete copy.paydunya.test;
  if (parts.includes('pdLive')) delete copy.paydunya.live;
  return copy;
}

/** Whether `password` opens the stored login of the merchant with this email address. */
async function passwordOpensLogin(dataDir: string, databaseUrl: string | undefined, email: string, password: string): Promise<boolean> {
  const store = openStore({ dataDir, databaseUrl, poolSize: 1 });
  try {
    const row = await store.db.selectFrom('merchants').select('password_hash').where('email_key', '=', email.toLowerCase()).executeTakeFirstOrThrow();
    return await verifyPassword(row.password_hash, password);
  } finally {
    await store.close();
  }
}

/** What the merchant's go-live button would do once a test payment succeeded: mark a request waiting. */
async function markGoLiveRequested(dataDir: string, databaseUrl: string | undefined, integrationId: string): Promise<void> {
  const store = openStore({ dataDir, databaseUrl, poolSize: 1 });
  try {
    const now = Date.now();
    const r = await store.db
      .updateTable('integrations')
      .set({ golive_state: 'requested', golive_reason: null, golive_requested_at: now, golive_decided_at: null, golive_decided_by: null })
      .where('id', '=', integrationId)
      .executeTakeFirst();
    assert.equal(Number(r.numUpdatedRows), 1);
  } finally {
    await store.close();
  }
}

// Each database has its own suite and data, so they run side by side.
describe('the tollgate CLI', { concurrency: true }, () => {
  for (const kind of testDatabases()) {
    describe(`the tollgate CLI on ${kind}`, { concurrency: 1 }, () => {
      let dataDir: string;
      let databaseUrl: string | undefined;
      /** Runs a command against this suite's database. */
      let cli: (args: string[], input?: string) => Promise<Run>;

      const tag = kind === 'sqlite' ? 'lite' : 'pg';
      const owner = `owner.${tag}@example.com`;
      const company = `billing.${tag}@example.com`;
      const ownerPassword = 'a long enough password 1';
      let integration: { id: string; name: string; mode: string };
      let created: any;
      let rotated: any;

      before(async () => {
        ({ dataDir, databaseUrl } = await freshDatabase(kind));
        cli = (args, input) => runHere([...args, ...dbArgs(dataDir, databaseUrl)], input);
      });

      test('migrate on an empty database applies every migration (progress on stderr) and says the schema is current', async () => {
        const other = await freshDatabase(kind);
        const [r, listed] = await Promise.all([
          run(['migrate', ...dbArgs(dataDir, databaseUrl)]),
          // any command migrates first; with --json the progress stays off stdout
          run(['golive', 'list', '--json', ...dbArgs(other.dataDir, other.databaseUrl)]),
        ]);
        const progress = Object.keys(MIGRATIONS).map((name) => `applied migration ${name}`);
        assert.equal(r.code, 0, show(r));
        assert.equal(r.stdout, 'the database schema is current\n');
        assert.deepEqual(
          r.stderr.split('\n').filter((l) => l !== ''),
          progress,
        );
        assert.equal(listed.code, 0, show(listed));
        assert.deepEqual(JSON.parse(listed.stdout), { integrations: [] });
        assert.deepEqual(
          listed.stderr.split('\n').filter((l) => l !== ''),
          progress,
        );
      });

      test('merchant create --password-stdin reads the password from stdin and never prints it', async () => {
        const r = await cli(['merchant', 'create', '--email', owner, '--company', 'Owner & Co', '--company-email', company, '--password-stdin', '--json'], `${ownerPassword}\nignored second line\n`);
        const out = json(r);
        assert.deepEqual(keysOf(out), ['merchant']);
        assert.match(out.merchant.id, /^mer_[0-9a-z]+$/);
        assert.equal(out.merchant.email, owner);
        assert.equal(out.merchant.companyName, 'Owner & Co');
        assert.equal(out.merchant.companyEmail, company);
        assert.equal(out.merchant.emailVerified, false);
        assert.ok(!allKeys(out).some((k) => /password|hash/i.test(k)), r.stdout);
        assert.ok(!r.stdout.includes(ownerPassword));
        // the first line of stdin, without its newline, is the password
        assert.equal(await passwordOpensLogin(dataDir, databaseUrl, owner, ownerPassword), true);
      });

      test('merchant create without --password-stdin generates a password, prints it, and it is the stored one', async () => {
        const email = `generated.${tag}@example.com`;
        const out = json(await cli(['merchant', 'create', '--email', email, '--company', 'Generated Ltd', '--verified', '--json']));
        assert.deepEqual(keysOf(out), ['merchant', 'password']);
        assert.equal(typeof out.password, 'string');
        assert.ok(out.password.length >= 12, out.password);
        assert.match(out.password, /^\S+$/);
        assert.equal(out.merchant.email, email);
        assert.equal(out.merchant.emailVerified, true);
        assert.equal(await passwordOpensLogin(dataDir, databaseUrl, email, out.password), true, 'the printed password is the one stored');
        assert.equal(await passwordOpensLogin(dataDir, databaseUrl, email, `${out.password}x`), false);
      });

      test('a duplicate email address, in another case, is refused with one line', async () => {
        const r = await cli(['merchant', 'create', '--email', owner.toUpperCase(), '--company', 'Copycat', '--password-stdin', '--json'], `${ownerPassword}\n`);
        failsWithOneLine(r, /already registered/);
      });

      test('merchant create refuses an email the API would refuse, and a weak password, with one line; nothing is stored', async () => {
        failsWithOneLine(await cli(['merchant', 'create', '--email', 'notanemail', '--company', 'Nope', '--password-stdin'], `${ownerPassword}\n`), /email: must be an email address/);
        failsWithOneLine(await cli(['merchant', 'create', '--email', `weak.${tag}@example.com`, '--company', 'Weak', '--password-stdin'], 'password1234\n'), /too common/);
        for (const email of ['notanemail', `weak.${tag}@example.com`]) await assert.rejects(passwordOpensLogin(dataDir, databaseUrl, email, ownerPassword), /no result/i);
      });

      test('merchant set-password --password-stdin sets the password, ends every session and checks the policy', async () => {
        const store = openStore({ dataDir, databaseUrl, poolSize: 1 });
        try {
          const m = await store.db.selectFrom('merchants').select('id').where('email_key', '=', owner).executeTakeFirstOrThrow();
          await store.db.insertInto('sessions').values({ id: `cli-test-${tag}`, principal_kind: 'merchant', principal_id: m.id, csrf_token: 'x', expires_at: Date.now() + 3_600_000, created_at: Date.now() }).execute();
          failsWithOneLine(await cli(['merchant', 'set-password', '--email', owner, '--password-stdin'], 'aaaaaaaaaaaaaaaa\n'), /one character repeated/);
          failsWithOneLine(await cli(['merchant', 'set-password', '--email', `nobody.${tag}@example.com`, '--password-stdin'], 'a fine new password 9\n'), /no merchant/);
          const r = await cli(['merchant', 'set-password', '--email', owner.toUpperCase(), '--password-stdin', '--json'], 'a fine new password 9\n');
          const out = json(r);
          assert.equal(out.merchant.email, owner);
          assert.ok(!r.stdout.includes('a fine new password 9'));
          assert.equal(await passwordOpensLogin(dataDir, databaseUrl, owner, 'a fine new password 9'), true);
          assert.equal(await passwordOpensLogin(dataDir, databaseUrl, owner, ownerPassword), false);
          assert.equal((await store.db.selectFrom('sessions').select('id').where('principal_id', '=', m.id).execute()).length, 0, 'a session survived');
          // Back to the password the later tests use.
          json(await cli(['merchant', 'set-password', '--email', owner, '--password-stdin', '--json'], `${ownerPassword}\n`));
        } finally {
          await store.close();
        }
      });

      test('integration create --json prints exactly the integration and its credentials', async () => {
        const name = `Shop ${tag}`;
        // the owner's address in another case finds the same merchant
        const r = await cli(['integration', 'create', '--merchant', owner.toUpperCase(), '--name', name, '--json']);
        const out = json(r);
        assert.deepEqual(keysOf(out), ['credentials', 'integration']);
        assert.deepEqual(keysOf(out.integration), ['id', 'mode', 'name']);
        assert.match(out.integration.id, /^int_[0-9a-z]+$/);
        assert.equal(out.integration.name, name);
        assert.equal(out.integration.mode, 'test');
        assertCredentialSet(out.credentials);
        integration = out.integration;
        created = out.credentials;
      });

      test('integration list --json shows the integration without any secret', async () => {
        const r = await cli(['integration', 'list', '--merchant', owner, '--json']);
        const out = json(r);
        assert.deepEqual(keysOf(out), ['integrations']);
        assert.equal(out.integrations.length, 1);
        const [i] = out.integrations;
        assert.equal(i.id, integration.id);
        assert.equal(i.name, integration.name);
        assert.equal(i.mode, 'test');
        assert.equal(i.paynowZwIntegrationId, created.paynowZw.integrationId);
        assert.equal(i.goLive.state, 'none');
        for (const secret of assertCredentialSet(created)) assert.ok(!r.stdout.includes(secret), `the list shows ${secret}`);
      });

      test("integration keys of another merchant's integration is refused with one line", async () => {
        const r = await cli(['integration', 'keys', '--merchant', `generated.${tag}@example.com`, '--integration', integration.id, '--json']);
        failsWithOneLine(r, new RegExp(`integration ${integration.id} not found`));
      });

      test('rotate-key --groups bogus is refused with one line naming the groups', async () => {
        const r = await cli(['integration', 'rotate-key', '--merchant', owner, '--integration', integration.id, '--groups', 'bogus', '--json']);
        const line = failsWithOneLine(r, /unknown key group "bogus"/);
        for (const g of ROTATION_GROUPS) assert.ok(line.includes(g), `${g} missing from: ${line}`);
      });

      test('rotate-key --groups paynow-zw replaces the Paynow Zimbabwe key and nothing else (checked with integration keys)', async () => {
        const r = await cli(['integration', 'rotate-key', '--merchant', owner, '--integration', integration.id, '--groups', 'paynow-zw', '--json']);
        const out = json(r);
        assert.deepEqual(keysOf(out), ['credentials', 'integration', 'rotated']);
        assert.deepEqual(out.rotated, ['paynow-zw']);
        assert.deepEqual(out.integration, integration);
        assertCredentialSet(out.credentials);
        const after = json(await cli(['integration', 'keys', '--merchant', owner, '--integration', integration.id, '--json'])).credentials;
        assert.deepEqual(after, out.credentials, 'keys shows what rotate-key printed');
        assert.notEqual(after.paynowZw.integrationKey, created.paynowZw.integrationKey);
        assert.match(after.paynowZw.integrationKey, GUID);
        assert.equal(after.paynowZw.integrationId, created.paynowZw.integrationId);
        assert.deepEqual(without(after, ['zw']), without(created, ['zw']));
        rotated = after;
      });

      test('operator create --password-stdin', async () => {
        const email = `ops.${tag}@example.com`;
        const r = await cli(['operator', 'create', '--email', email, '--password-stdin', '--json'], 'operator password 123\n');
        const out = json(r);
        assert.deepEqual(keysOf(out), ['operator']);
        assert.deepEqual(keysOf(out.operator), ['email', 'id']);
        assert.match(out.operator.id, /^opr_[0-9a-z]+$/);
        assert.equal(out.operator.email, email);
        assert.ok(!r.stdout.includes('operator password 123'));
      });

      test('golive approve without a waiting request is refused with one line', async () => {
        failsWithOneLine(await cli(['golive', 'approve', '--integration', integration.id, '--json']), /no go-live request/);
      });

      test('golive list shows a waiting request, and reject declines it with the reason', async () => {
        await markGoLiveRequested(dataDir, databaseUrl, integration.id);
        const list = json(await cli(['golive', 'list', '--json']));
        assert.deepEqual(
          list.integrations.map((i: any) => [i.id, i.goLive.state]),
          [[integration.id, 'requested']],
        );
        const out = json(await cli(['golive', 'reject', '--integration', integration.id, '--reason', '  Add your bank account  ', '--json']));
        assert.equal(out.integration.id, integration.id);
        assert.equal(out.integration.mode, 'test');
        assert.equal(out.integration.goLive.state, 'rejected');
        assert.equal(out.integration.goLive.reason, 'Add your bank account');
      });

      test('golive approve sets the integration live and renews only the keys that act on live data', async () => {
        await markGoLiveRequested(dataDir, databaseUrl, integration.id);
        const out = json(await cli(['golive', 'approve', '--integration', integration.id, '--json']));
        assert.equal(out.integration.id, integration.id);
        assert.equal(out.integration.mode, 'live');
        assert.equal(out.integration.goLive.state, 'approved');
        const live = json(await cli(['integration', 'keys', '--merchant', owner, '--integration', integration.id, '--json'])).credentials;
        assertCredentialSet(live);
        assert.notEqual(live.paynowZw.integrationKey, rotated.paynowZw.integrationKey);
        assert.notEqual(live.paynowPl.production.apiKey, rotated.paynowPl.production.apiKey);
        assert.notEqual(live.paynowPl.production.signatureKey, rotated.paynowPl.production.signatureKey);
        assert.notEqual(live.paydunya.live.privateKey, rotated.paydunya.live.privateKey);
        assert.notEqual(live.paydunya.live.publicKey, rotated.paydunya.live.publicKey);
        assert.notEqual(live.paydunya.live.token, rotated.paydunya.live.token);
        assert.deepEqual(without(live, ['zw', 'plProduction', 'pdLive']), without(rotated, ['zw', 'plProduction', 'pdLive']));
      });

      test('mail list --json shows the keys mail sent to the company address, and the other mails', async () => {
        const mails: any[] = json(await cli(['mail', 'list', '--json'])).mails;
        const keysMail = mails.find((m) => m.kind === 'keys' && m.subject === `Your integration keys: ${integration.name}`);
        assert.ok(keysMail, JSON.stringify(mails.map((m) => [m.to, m.kind, m.subject])));
        assert.equal(keysMail.to, company);
        assert.ok(keysMail.body.includes(integration.id));
        assert.ok(keysMail.body.includes(String(created.paynowZw.integrationId)));
        for (const secret of assertCredentialSet(created)) assert.ok(keysMail.body.includes(secret), `the keys mail lacks ${secret}`);
        // registration asked the owner (not the company address) to verify
        assert.ok(mails.some((m) => m.kind === 'verify_email' && m.to === owner));
        // the rotation, the rejection and the approval each mailed the company address
        const mine = mails.filter((m) => m.to === company);
        assert.ok(mine.some((m) => m.kind === 'keys' && m.subject === `New integration keys: ${integration.name}` && m.body.includes(rotated.paynowZw.integrationKey)));
        assert.ok(mine.some((m) => m.kind === 'golive' && m.body.includes('Add your bank account')));
        assert.ok(mine.some((m) => m.kind === 'golive' && m.subject === `${integration.name} is live`));
      });

      test('an unknown merchant email is refused with one line naming it', async () => {
        const r = await cli(['integration', 'create', '--merchant', 'nobody@example.com', '--name', 'Ghost', '--json']);
        failsWithOneLine(r, /no merchant with the email address nobody@example\.com/);
      });
    });
  }
});
