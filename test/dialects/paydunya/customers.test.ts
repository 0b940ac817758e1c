/**
 * Seed 003 and spec §6: fictitious customers ("name, email address and balance … create multiple
 * fictitious accounts and reload them manually at any time") — through the management API with an API
 * token, and through the CLI (`tollgate customer create|reload|list`, a real child process on the same
 * data directory as the running server). `tollgate sandbox load FILE` (and the operator API) imports a
 * fixture; loading it twice reports everything unchanged. What is created is what the PayDunya wire sees.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createOperator, registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createApiToken } from '../../../src/services/merchants/sessions.js';
import { ApiClient } from '../../helpers/client.js';
import { tempDir, testDatabases } from '../../helpers/dbs.js';
import { pd, SANDBOX, type Shop, send, startShop } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/tollgate.js …args`, without any TOLLGATE_ setting of the test run. */
function tollgate(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/tollgate.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function json(r: Run): any {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const alnum = (n: number) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => abc[b % abc.length]).join('');
};

/** A fixture of one merchant, a PayDunya integration with keys chosen here, two customers and a completed invoice. */
function fixture(tag: string) {
  const keys = {
    masterKey: `${alnum(8)}-${alnum(4)}-${alnum(4)}-${alnum(4)}-${alnum(12)}`,
    test: { privateKey: `test_private_${alnum(27)}`, publicKey: `test_public_${alnum(27)}`, token: alnum(20) },
  };
  const invoice = `test_${alnum(10)}`;
  const body = {
    merchants: [
      {
        email: `ci-${tag}@magasin.sn`,
        company: `Magasin ${tag}`,
        verified: true,
        integrations: [
          {
            name: `CI ${tag}`,
            paydunya: keys,
            customers: [
              { name: 'Fabrice', email: `fabrice-${tag}@gmail.com`, phone: `+2217${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}0`, balance: 500_000, currency: 'XOF' },
              { name: 'Alioune Faye', email: `alioune-${tag}@gmail.com`, phone: `77${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}9`, balance: 1_000, currency: 'XOF' },
            ],
            payments: [
              { dialect: 'paydunya', publicId: invoice, amount: 42_300, currency: 'XOF', state: 'paid', method: 'wallet', description: 'Chaussures Croco', customer: { name: 'Alioune Faye', email: `alioune-${tag}@gmail.com`, phone: '774563209' } },
            ],
          },
        ],
      },
    ],
  };
  return { body, keys, invoice };
}

for (const kind of testDatabases()) {
  describe(`fictitious customers and sandbox fixtures on ${kind}`, () => {
    let s: Shop;
    let api: ApiClient;
    /** The CLI on the running server's data directory (and database). */
    let cli: (args: string[]) => Promise<Run>;

    before(async () => {
      s = await startShop(kind);
      api = new ApiClient(s.url);
      api.bearer = (await createApiToken(s.deps, s.merchantId, 'ci')).token;
      cli = (args) => tollgate([...args, '--json', '--data-dir', s.s.dataDir, ...(s.s.databaseUrl ? ['--database-url', s.s.databaseUrl] : [])]);
    });
    after(() => s?.stop());

    const oprFor = (alias: string, total: number) => s.post(`${SANDBOX}/opr/create`, { invoice_data: { invoice: { total_amount: total }, store: { name: 'Magasin' } }, opr_data: { account_alias: alias } });

    test('the management API with an API token: create, list, reload; the customer then pays on the wire and the list shows the new balance', async () => {
      const c = await api.post(`/api/integrations/${s.integrationId}/customers`, { name: 'Awa Ndiaye', email: 'Awa@Example.sn', phone: '771234567', balance: 20_000, currency: 'XOF' });
      assert.equal(c.status, 201, c.text);
      assert.match(c.body.customer.id, /^cus_[0-9a-z]{21}$/);
      assert.equal(c.body.customer.email, 'awa@example.sn');
      assert.equal(c.body.customer.balance, 20_000);
      const id = c.body.customer.id as string;

      const dup = await api.post(`/api/integrations/${s.integrationId}/customers`, { name: 'Awa bis', email: 'awa@example.sn', phone: '779999999', balance: 0, currency: 'XOF' });
      assert.equal(dup.status, 409, dup.text);
      const bad = await api.post(`/api/integrations/${s.integrationId}/customers`, { name: 'X', email: 'x@example.sn', phone: 'not a phone', balance: -1, currency: 'XOF' });
      assert.equal(bad.status, 400, bad.text);

      const reload = await api.post(`/api/integrations/${s.integrationId}/customers/${id}/reload`, { amount: 5_000 });
      assert.equal(reload.status, 200, reload.text);
      assert.equal(reload.body.customer.balance, 25_000);
      assert.equal((await api.post(`/api/integrations/${s.integrationId}/customers/${id}/reload`, { amount: 0 })).status, 400);

      const opr = pd(await oprFor('771234567', 15_000), '00');
      const code = await s.oneTimeCode('awa@example.sn', opr.invoice_token);
      pd(await s.post(`${SANDBOX}/opr/charge`, { token: opr.token, confirm_token: code }), '00');
      const list = await api.get(`/api/integrations/${s.integrationId}/customers`);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.data.map((x: any) => [x.email, x.balance]),
        [['awa@example.sn', 10_000]],
      );

      // Another merchant's token sees nothing of this integration.
      const { merchant } = await registerMerchant(s.deps, { email: 'intrus@example.sn', password: 'an intruder password 1', companyName: 'Intrus' }, { verified: true });
      const intruder = new ApiClient(s.url);
      intruder.bearer = (await createApiToken(s.deps, merchant.id, 'x')).token;
      assert.equal((await intruder.get(`/api/integrations/${s.integrationId}/customers`)).status, 404);
      assert.equal((await intruder.post(`/api/integrations/${s.integrationId}/customers/${id}/reload`, { amount: 1 })).status, 404);
      assert.equal((await new ApiClient(s.url).get(`/api/integrations/${s.integrationId}/customers`)).status, 401);
    });

    test('the CLI, on the server’s data directory: customer create, reload, list --json; sandbox load FILE twice, the second run unchanged; the running server sees it all', async () => {
      const f = fixture('cli');
      const file = join(tempDir('tollgate-pd-fixture-'), 'fixture.json');
      writeFileSync(file, JSON.stringify(f.body));
      // Each command is a child process of its own; two at a time keep the run short.
      const [createdRun, firstLoad] = await Promise.all([
        cli(['customer', 'create', '--merchant', s.email, '--integration', s.integrationId, '--name', 'Cheikh Ba', '--email', 'cheikh@example.sn', '--phone', '775550011', '--balance', '3000']),
        cli(['sandbox', 'load', file]),
      ]);
      const created = json(createdRun);
      assert.match(created.customer.id, /^cus_[0-9a-z]{21}$/);
      assert.equal(created.customer.balanceMinor, 3_000);
      assert.equal(created.customer.currency, 'XOF');
      assert.deepEqual(json(firstLoad), { merchants: 1, integrations: 1, customers: 2, payments: 1, unchanged: 0 });

      const [reloadedRun, secondLoad] = await Promise.all([
        cli(['customer', 'reload', '--merchant', s.email, '--integration', s.integrationId, '--customer', created.customer.id, '--amount', '7000']),
        cli(['sandbox', 'load', file]),
      ]);
      assert.equal(json(reloadedRun).customer.balanceMinor, 10_000);
      assert.deepEqual(json(secondLoad), { merchants: 0, integrations: 0, customers: 0, payments: 0, unchanged: 5 }, 'loading twice changes nothing');

      // The running server pays with the customer the CLI made; the CLI's list shows the debit.
      const opr = pd(await oprFor('cheikh@example.sn', 4_000), '00');
      pd(await s.post(`${SANDBOX}/opr/charge`, { token: opr.token, confirm_token: await s.oneTimeCode('cheikh@example.sn', opr.invoice_token) }), '00');
      const listed = json(await cli(['customer', 'list', '--merchant', s.email, '--integration', s.integrationId]));
      assert.deepEqual(listed.customers.map((c: any) => [c.email, c.balanceMinor]).sort(), [
        ['awa@example.sn', 10_000],
        ['cheikh@example.sn', 6_000],
      ]);

      // The fixture's chosen keys, customers and completed invoice answer on the wire.
      const headers = { 'PAYDUNYA-MASTER-KEY': f.keys.masterKey, 'PAYDUNYA-PRIVATE-KEY': f.keys.test.privateKey, 'PAYDUNYA-TOKEN': f.keys.test.token };
      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${f.invoice}`, { headers }), '00');
      assert.equal(conf.status, 'completed');
      assert.equal(conf.invoice.total_amount, 42_300);
      assert.equal(typeof conf.receipt_url, 'string');
      const alias = f.body.merchants[0]!.integrations[0]!.customers[0]!.email;
      const fixtureOpr = pd(await send(`${s.url}${SANDBOX}/opr/create`, { headers, body: JSON.stringify({ invoice_data: { invoice: { total_amount: 100 }, store: { name: 'M' } }, opr_data: { account_alias: alias } }) }), '00');
      assert.match(fixtureOpr.invoice_token, /^test_/);
    });

    test('the operator API: POST /api/operator/sandbox/load twice, the second changes nothing; a merchant may not call it', async () => {
      const operator = { email: `ops-${randomBytes(3).toString('hex')}@tollgate.test`, password: 'an operator password 1' };
      await createOperator(s.deps, operator.email, operator.password);
      const ops = new ApiClient(s.url);
      assert.equal((await ops.login(operator.email, operator.password, 'operator')).status, 200);
      const f = fixture('api');
      const first = await ops.post('/api/operator/sandbox/load', f.body);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body, { loaded: { merchants: 1, integrations: 1, customers: 2, payments: 1, unchanged: 0 } });
      const before = await s.state();
      const second = await ops.post('/api/operator/sandbox/load', f.body);
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.body, { loaded: { merchants: 0, integrations: 0, customers: 0, payments: 0, unchanged: 5 } });
      assert.equal(await s.state(), before, 'loading twice changes nothing');
      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${f.invoice}`, { headers: { 'PAYDUNYA-MASTER-KEY': f.keys.masterKey, 'PAYDUNYA-PRIVATE-KEY': f.keys.test.privateKey, 'PAYDUNYA-TOKEN': f.keys.test.token } }), '00');
      assert.equal(conf.status, 'completed');

      assert.equal((await api.post('/api/operator/sandbox/load', fixture('merchant').body)).status, 403);
      // A fixture with keys in the wrong format is refused as a whole.
      const broken = fixture('broken');
      broken.body.merchants[0]!.integrations[0]!.paydunya.test.privateKey = 'live_private_nope';
      const refused = await ops.post('/api/operator/sandbox/load', broken.body);
      assert.equal(refused.status, 400, refused.text);
    });
  });
}
