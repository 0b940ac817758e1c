/**
 * No overdraft with several serving processes (issue 18): `serve --processes 4` on PostgreSQL, and 50
 * payouts, refunds, direct pays and disbursements of 1,000 racing over HTTP against one balance of
 * 10,000 XOF: exactly 10 are accepted, the rest refused in each wire's words, the balance ends at 0.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiClient } from '../helpers/client.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { dbArgs, killAll, runCli, startServe } from '../helpers/process.js';

after(killAll);

const N = 50;

for (const kind of testDatabases().filter((k) => k === 'postgres')) {
  describe('no overdraft across serve --processes 4 on postgres', () => {
    test(`${N} mixed payouts, refunds, direct pays and disbursements of 1,000 from 10,000 accept exactly 10`, async () => {
      const { dataDir, databaseUrl } = await freshDatabase(kind);
      const db = dbArgs(dataDir, databaseUrl);
      const merchant = await runCli([...db, '--json', 'merchant', 'create', '--email', 'race@shop.test', '--company', 'Race', '--verified']);
      const { password } = JSON.parse(merchant.stdout) as { password: string };
      const created = await runCli([...db, '--json', 'integration', 'create', '--merchant', 'race@shop.test', '--name', 'race']);
      const { integration, credentials } = JSON.parse(created.stdout) as { integration: { id: string }; credentials: { paydunya: { masterKey: string; test: { privateKey: string; token: string } } } };
      const p = await startServe([...db, '--port', '0', '--no-demo', '--processes', '4']);
      const url = p.listeningUrl();
      const api = new ApiClient(url);
      assert.equal((await api.login('race@shop.test', password)).status, 200);
      const id = integration.id;
      assert.equal((await api.post(`/api/integrations/${id}/customers`, { name: 'Awa', email: 'awa@race.test', phone: '+221770000001', balance: 0, currency: 'XOF' })).status, 201);
      const pay = await api.post(`/api/integrations/${id}/payments`, { amount: 10_000, currency: 'XOF' });
      assert.equal(pay.status, 201, pay.text);
      const paid = await api.post(`/api/payments/${pay.body.payment.id}/pay`, { method: 'card', cardNumber: '4444 4444 4444 4000' });
      assert.equal(paid.body.payment?.state, 'paid', paid.text);

      const k = credentials.paydunya;
      const pd = async (path: string, body: unknown) => {
        const r = await fetch(`${url}/sandbox-api/v1${path}`, {
          method: 'POST',
          headers: { 'PAYDUNYA-MASTER-KEY': k.masterKey, 'PAYDUNYA-PRIVATE-KEY': k.test.privateKey, 'PAYDUNYA-TOKEN': k.test.token, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return (await r.json()) as { response_code: string; disburse_token?: string };
      };
      const tokens: string[] = [];
      for (let i = 0; i < 12; i++) {
        const inv = await pd('/disburse/get-invoice', { account_alias: 'awa@race.test', amount: 1_000, withdraw_mode: 'orange-money-senegal' });
        assert.equal(inv.response_code, '00', JSON.stringify(inv));
        tokens.push(inv.disburse_token as string);
      }

      // Each outcome: true accepted, false refused for want of money; anything else fails.
      const ops: Promise<boolean>[] = [];
      for (let i = 0; i < 13; i++) ops.push(api.post(`/api/integrations/${id}/sandbox/payout`, { currency: 'XOF', amount: 1_000 }).then((r) => (r.status === 200 ? true : r.status === 422 && r.body.code === 'insufficient_funds' ? false : assert.fail(r.text))));
      for (let i = 0; i < 12; i++) ops.push(api.post(`/api/payments/${pay.body.payment.id}/refunds`, { amount: 1_000 }).then((r) => (r.status === 201 ? true : r.status === 422 && r.body.code === 'insufficient_funds' ? false : assert.fail(r.text))));
      for (let i = 0; i < 13; i++) ops.push(pd('/direct-pay/credit-account', { account_alias: 'awa@race.test', amount: 1_000 }).then((r) => (r.response_code === '00' ? true : r.response_code === '4002' ? false : assert.fail(JSON.stringify(r)))));
      for (const t of tokens) ops.push(pd('/disburse/submit-invoice', { disburse_invoice: t }).then((r) => (r.response_code === '00' ? true : r.response_code === '4002' ? false : assert.fail(JSON.stringify(r)))));
      assert.equal(ops.length, N);
      const outcomes = await Promise.all(ops);
      assert.deepEqual({ accepted: outcomes.filter(Boolean).length, refused: outcomes.filter((x) => !x).length }, { accepted: 10, refused: N - 10 });
      const balances = await api.get(`/api/integrations/${id}/balances`);
      assert.equal(balances.body.data.find((b: { mode: string; currency: string }) => b.mode === 'test' && b.currency === 'XOF')?.available, 0);
      const verify = await runCli([...db, '--json', 'ledger', 'verify']);
      assert.equal(verify.exited.code, 0, verify.describe());
      p.child.kill('SIGTERM');
      assert.equal((await p.exitWithin(25_000))?.code, 0);
    });
  });
}
