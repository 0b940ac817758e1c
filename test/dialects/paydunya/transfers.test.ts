/**
 * Spec §3.6: disbursement (PUSH API) in the sandbox: get-invoice → disburse_token (moves nothing),
 * submit-invoice → status success with a transaction id (test money leaves the integration's test
 * balance, and reaches the fictitious customer the alias names), check-status. Submitting twice sends
 * once; a reused disburse_id is 5000; below 200 is 4000; more than the balance is 4002. The live base
 * (/api/v2/disburse, /api/v1/disburse) has no connector: nothing is ever sent. A sent disbursement calls
 * its callback_url back once (§3.6 d: our decision on its encoding is in the README), retried like an IPN.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FictitiousCustomer } from '../../../src/store/repos/sandbox.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { BAD_KEYS, LIVE, pd, SANDBOX, type Shop, sha512Hex, startShop } from './harness.js';

const D = `${SANDBOX}/disburse`;

for (const kind of testDatabases()) {
  describe(`PayDunya disbursement on ${kind}`, () => {
    let s: Shop;
    let rx: Receiver;
    let awa: FictitiousCustomer;

    before(async () => {
      [s, rx] = await Promise.all([startShop(kind), startReceiver('/disburse-callback')]);
      awa = await s.customer('Awa Ndiaye', 'awa@example.sn', '771234567', 0);
      await s.fund(20_000);
    });
    after(async () => {
      await s?.stop();
      await rx?.close();
    });

    const getInvoice = async (body: Record<string, unknown>) => pd(await s.post(`${D}/get-invoice`, { withdraw_mode: 'orange-money-senegal', ...body }));

    test('get-invoice → disburse_token, nothing moves; submit → success with a transaction id, the customer is credited; check-status agrees', async () => {
      const inv = await getInvoice({ account_alias: '771234567', amount: 4_500, callback_url: `${rx.url}?case=1`, disburse_id: 'D-1' });
      assert.equal(inv.response_code, '00', JSON.stringify(inv));
      assert.match(inv.disburse_token, /^[A-Za-z0-9]{20}$/);
      assert.equal(await s.testBalance(), 20_000, 'get-invoice moves no money');
      assert.equal(await s.balanceOf(awa), 0);
      const created = pd(await s.post(`${D}/check-status`, { disburse_invoice: inv.disburse_token }), '00');
      assert.equal(created.status, 'created');

      const sub = pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token, disburse_id: 'D-1' }), '00');
      assert.equal(sub.status, 'success');
      assert.match(sub.transaction_id, /^TFA-TX-[A-Za-z0-9]{20}$/);
      assert.equal(typeof sub.description, 'string');
      assert.equal(await s.balanceOf(awa), 4_500, 'the fictitious customer named by the alias is credited');
      assert.equal(await s.testBalance(), 15_500, 'the test balance is debited');

      const st = pd(await s.post(`${D}/check-status`, { disburse_invoice: inv.disburse_token }), '00');
      assert.equal(st.status, 'success');
      assert.equal(st.transaction_id, sub.transaction_id);
      assert.equal(st.amount, '4500.00');
      assert.equal(st.withdraw_mode, 'orange-money-senegal');

      // Submitting again answers the same and sends nothing more.
      const again = pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }), '00');
      assert.equal(again.status, 'success');
      assert.equal(again.transaction_id, sub.transaction_id);
      assert.equal(await s.balanceOf(awa), 4_500);
      assert.equal(await s.testBalance(), 15_500);
    });

    test('two submits at the same moment send once', async () => {
      const inv = await getInvoice({ account_alias: 'awa@example.sn', amount: 1_000, withdraw_mode: 'paydunya' });
      const [a, b] = await Promise.all([s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }), s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token })]);
      assert.equal(pd(a, '00').transaction_id, pd(b, '00').transaction_id);
      assert.equal(await s.balanceOf(awa), 5_500);
      assert.equal(await s.testBalance(), 14_500);
    });

    test('an alias that names no fictitious customer: the money still leaves the test balance, nobody here is credited', async () => {
      const inv = await getInvoice({ account_alias: '770000001', amount: 500, withdraw_mode: 'wave-senegal' });
      pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }), '00');
      assert.equal(await s.testBalance(), 14_000);
      assert.equal(await s.balanceOf(awa), 5_500);
    });

    test('a reused disburse_id is {"response_code":"5000","response_text":"disburse_id already used"}; nothing is stored', async () => {
      const before = await s.state();
      const r = await s.post(`${D}/get-invoice`, { account_alias: '771234567', amount: 300, withdraw_mode: 'orange-money-senegal', disburse_id: 'D-1' });
      assert.deepEqual(pd(r), { response_code: '5000', response_text: 'disburse_id already used' });
      assert.equal(await s.state(), before);
    });

    test('amounts below 200, decimals and nonsense are 4000; 200 itself is accepted', async () => {
      const before = await s.state();
      for (const amount of [199, 0, -200, 250.5, '1e3', 'abc', null]) {
        const r = await getInvoice({ account_alias: '771234567', amount });
        assert.equal(r.response_code, '4000', `amount ${JSON.stringify(amount)}: ${JSON.stringify(r)}`);
      }
      const noAlias = await getInvoice({ amount: 500 });
      assert.equal(noAlias.response_code, '4000');
      assert.equal(await s.state(), before);
      assert.equal((await getInvoice({ account_alias: '771234567', amount: 200 })).response_code, '00');
    });

    test('more than the test balance: submit is 4002, nothing moves and the invoice stays created', async () => {
      const inv = await getInvoice({ account_alias: '771234567', amount: 1_000_000 });
      assert.equal(inv.response_code, '00');
      const before = await s.state();
      const sub = pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }));
      assert.equal(sub.response_code, '4002', JSON.stringify(sub));
      assert.equal(await s.state(), before);
      assert.equal(pd(await s.post(`${D}/check-status`, { disburse_invoice: inv.disburse_token }), '00').status, 'created');
    });

    test('an unknown disburse token is refused on submit and on check-status', async () => {
      for (const path of ['submit-invoice', 'check-status']) {
        const r = pd(await s.post(`${D}/${path}`, { disburse_invoice: 'AAAAAAAAAAAAAAAAAAAA' }));
        assert.notEqual(r.response_code, '00', JSON.stringify(r));
      }
    });

    test('the live base: test keys are 1001; once live, live keys get a disburse_token but submit refuses (no live connector)', async () => {
      for (const base of ['/api/v2/disburse', `${LIVE}/disburse`]) {
        assert.deepEqual(pd(await s.post(`${base}/get-invoice`, { account_alias: '771234567', amount: 500, withdraw_mode: 'wave-senegal' })), BAD_KEYS);
      }
      await s.goLive();
      for (const base of ['/api/v2/disburse', `${LIVE}/disburse`]) {
        const inv = pd(await s.post(`${base}/get-invoice`, { account_alias: '771234567', amount: 500, withdraw_mode: 'wave-senegal' }, { mode: 'live' }), '00');
        const balance = await s.testBalance();
        const sub = pd(await s.post(`${base}/submit-invoice`, { disburse_invoice: inv.disburse_token }, { mode: 'live' }));
        assert.notEqual(sub.response_code, '00', JSON.stringify(sub));
        assert.match(sub.response_text, /no live connector/i);
        assert.equal(pd(await s.post(`${base}/check-status`, { disburse_invoice: inv.disburse_token }, { mode: 'live' }), '00').status, 'created');
        assert.equal(await s.testBalance(), balance);
        assert.equal(await s.balanceOf(awa), 5_500);
        // A live disbursement is not visible with test keys on the sandbox.
        assert.notEqual(pd(await s.post(`${D}/check-status`, { disburse_invoice: inv.disburse_token })).response_code, '00');
      }
    });

    test('the callback: once the disbursement is sent, its fields form-encoded with the hash of the master key; a 500 is retried a minute later; never for one not sent', async () => {
      const callback = `${rx.url}?case=2`;
      const mine = () => rx.received.filter((r) => r.url.endsWith('?case=2'));
      const inv = await getInvoice({ account_alias: '770000002', amount: 700, withdraw_mode: 'wave-senegal', callback_url: callback, disburse_id: 'D-CB' });
      await s.s.app.worker.drain();
      assert.equal(mine().length, 0, 'get-invoice sends nothing and calls nobody back');
      rx.status = 500;
      try {
        const sub = pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }), '00');
        await s.s.app.worker.drain();
        assert.equal(mine().length, 1, 'called back at once');
        const first = mine()[0];
        assert.equal(first?.method, 'POST');
        assert.equal(first?.headers['content-type'], 'application/x-www-form-urlencoded');
        const f = new URLSearchParams(first?.body);
        assert.deepEqual([...f.keys()], ['status', 'token', 'withdraw_mode', 'amount', 'transaction_id', 'disburse_id', 'disburse_tx_id', 'hash']);
        assert.equal(f.get('status'), 'success');
        assert.equal(f.get('token'), inv.disburse_token);
        assert.equal(f.get('withdraw_mode'), 'wave-senegal');
        assert.equal(f.get('amount'), '700.00');
        assert.equal(f.get('transaction_id'), sub.transaction_id);
        assert.equal(f.get('disburse_id'), 'D-CB');
        assert.equal(f.get('disburse_tx_id'), sub.provider_ref);
        assert.equal(f.get('hash'), sha512Hex(s.masterKey), 'checked as an IPN is: hex SHA-512 of the master key');

        await s.advance(59_000);
        assert.equal(mine().length, 1, 'no second attempt before a minute');
        rx.status = 200;
        await s.advance(1_000);
        assert.equal(mine().length, 2, 'the second attempt a minute later');
        assert.equal(mine()[1]?.body, first?.body);
        // Submitting again, or checking, calls nobody back again.
        pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token }), '00');
        await s.advance(60 * 60_000);
        assert.equal(mine().length, 2, 'delivered: nothing more');
        const d = await s.s.store.db.selectFrom('deliveries').selectAll().where('url', '=', callback).execute();
        assert.equal(d.length, 1);
        assert.equal(d[0]?.status, 'delivered');
        assert.equal(d[0]?.attempts, 2);
      } finally {
        rx.status = 200;
      }
    });

    test('a disbursement refused for want of funds calls nobody back', async () => {
      const inv = await getInvoice({ account_alias: '771234567', amount: 5_000_000, callback_url: `${rx.url}?case=3` });
      assert.equal(pd(await s.post(`${D}/submit-invoice`, { disburse_invoice: inv.disburse_token })).response_code, '4002');
      await s.advance(60_000);
      assert.equal(rx.received.filter((r) => r.url.endsWith('?case=3')).length, 0);
    });
  });
}
