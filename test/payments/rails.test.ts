import { asId } from '../../src/core/ids.js';
/**
 * Every documented magic value of the test-mode rails, over POST /api/payments/:id/pay (and the service
 * where a refusal's machine-readable reason matters): test phones, saved-card tokens, BLIK codes,
 * pay-by-link, the success card, the fictitious-customer wallet; and in live mode every method refuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TollgateError } from '../../src/core/errors.js';
import type { PaymentMethod } from '../../src/core/payment-methods.js';
import { startPayment } from '../../src/services/payments/pay.js';
import type { RailInput } from '../../src/services/payments/rails/rail.js';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, dataSnapshot, detail, makeLive, newIntegration, openShop, pay, type Shop, stateOf } from './fixture.js';

const token = (d: string) => `${d.repeat(8)}-${d.repeat(4)}-${d.repeat(4)}-${d.repeat(4)}-${d.repeat(12)}`;

interface TimedCase {
  label: string;
  method: PaymentMethod;
  input: Record<string, string>;
  after: number;
  final: 'paid' | 'failed';
  failureCode?: string;
}

for (const kind of testDatabases()) {
  describe(`test-mode rails on ${kind}`, () => {
    let shop: Shop;

    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    const newPayment = async (body: Record<string, unknown> = {}, integrationId = shop.integrationId) => asId('payment', (await createPaymentOk(shop.api, integrationId, body)).id);

    /** Pays and expects an immediate refusal that leaves every row as it was. */
    async function refused(id: string, body: Record<string, unknown>, detailPattern: RegExp): Promise<void> {
      const before = await dataSnapshot(shop.s.store);
      const r = await pay(shop.api, id, body);
      assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.code, 'refused');
      assert.match(r.body.detail, detailPattern);
      assert.equal(await dataSnapshot(shop.s.store), before, `${JSON.stringify(body)} changed nothing`);
    }

    /** Runs cases started at one instant along one timeline, checking each just before and at its moment. */
    async function timeline(cases: TimedCase[]): Promise<void> {
      const started: Array<TimedCase & { id: string }> = [];
      for (const c of cases) {
        const id = await newPayment();
        const r = await pay(shop.api, id, { method: c.method, ...c.input });
        assert.equal(r.status, 200, `${c.label}: ${r.text}`);
        assert.equal(r.body.payment.state, 'pending', c.label);
        assert.equal(r.body.payment.method, c.method);
        started.push({ ...c, id });
      }
      const t0 = shop.s.clock.now();
      const checkpoints = [...new Set(cases.flatMap((c) => [c.after - 1, c.after]))].sort((a, b) => a - b);
      for (const t of checkpoints) {
        await advance(shop.s, t0 + t - shop.s.clock.now());
        for (const c of started) {
          const d = await detail(shop.api, c.id);
          const expected = t >= c.after ? c.final : 'pending';
          assert.equal(d.payment.state, expected, `${c.label} at ${t} ms`);
          if (expected === 'failed') assert.equal(d.payment.failure?.code, c.failureCode, c.label);
        }
      }
    }

    test('test phones on EcoCash and OneMoney: 0771111111 paid after 5 s, 0772222222 paid and 0773333333 failed after 30 s', async () => {
      const cases: TimedCase[] = [];
      for (const method of ['ecocash', 'onemoney'] as const) {
        cases.push({ label: `${method} 0771111111`, method, input: { phone: '0771111111' }, after: 5_000, final: 'paid' });
        cases.push({ label: `${method} 0772222222`, method, input: { phone: '0772222222' }, after: 30_000, final: 'paid' });
        cases.push({ label: `${method} 0773333333`, method, input: { phone: '0773333333' }, after: 30_000, final: 'failed', failureCode: 'cancelled_by_customer' });
      }
      await timeline(cases);
    });

    test('0774444444 is refused at once with "Insufficient balance"; so is a number that is no test phone', async () => {
      for (const method of ['ecocash', 'onemoney'] as const) {
        const id = await newPayment();
        await refused(id, { method, phone: '0774444444' }, /^Insufficient balance$/);
        await refused(id, { method, phone: '+263774444444' }, /^Insufficient balance$/);
        await refused(id, { method, phone: '0775555555' }, /test numbers/);
        await refused(id, { method, phone: '0712345678' }, /test numbers/);
        await refused(id, { method, phone: '12345' }, /valid mobile number/);
        await refused(id, { method }, /valid mobile number/);
        assert.equal(await stateOf(shop.api, id), 'created');
      }
    });

    test('phone forms +263771111111, 263771111111, 771111111 and spaced are the same test phone', async () => {
      await timeline(
        ['+263771111111', '263771111111', '771111111', '077 111 1111', '+263-77-111-1111'].map((phone) => ({
          label: `ecocash ${phone}`,
          method: 'ecocash' as const,
          input: { phone },
          after: 5_000,
          final: 'paid' as const,
        })),
      );
    });

    test('InnBucks and O\u2019mari answer with an authorization code; a test phone decides like EcoCash', async () => {
      const a = await newPayment();
      const r = await pay(shop.api, a, { method: 'innbucks', phone: '0771111111' });
      assert.equal(r.status, 200, r.text);
      assert.match(r.body.authorization.code, /^\d{9}$/);
      assert.match(r.body.instructions, new RegExp(r.body.authorization.code));
      const b = await newPayment();
      const o = await pay(shop.api, b, { method: 'omari' });
      assert.equal(o.status, 200, o.text);
      const qr = String(o.body.authorization.qrUrl);
      assert.ok(qr.includes(b) && qr.includes(o.body.authorization.code), `O'mari's QR link names the payment and the code: ${qr}`);
      await advance(shop.s, 5_000);
      assert.equal(await stateOf(shop.api, a), 'paid');
      assert.equal(await stateOf(shop.api, b), 'pending', 'without a test phone it waits');
      const c = await newPayment();
      await refused(c, { method: 'innbucks', phone: '0774444444' }, /^Insufficient balance$/);
    });

    test('vmc saved-card tokens with and without braces, and zimswitch 32 × digit: 1 paid 5 s, 2 paid 30 s, 3 failed 30 s', async () => {
      const cases: TimedCase[] = [];
      for (const form of ['braces', 'bare'] as const) {
        const t = (d: string) => (form === 'braces' ? `{${token(d)}}` : token(d));
        cases.push({ label: `vmc ${form} 1`, method: 'card', input: { token: t('1') }, after: 5_000, final: 'paid' });
        cases.push({ label: `vmc ${form} 2`, method: 'card', input: { token: t('2') }, after: 30_000, final: 'paid' });
        cases.push({ label: `vmc ${form} 3`, method: 'card', input: { token: t('3') }, after: 30_000, final: 'failed', failureCode: 'declined' });
      }
      cases.push({ label: 'zimswitch 1', method: 'zimswitch', input: { token: '1'.repeat(32) }, after: 5_000, final: 'paid' });
      cases.push({ label: 'zimswitch 2', method: 'zimswitch', input: { token: '2'.repeat(32) }, after: 30_000, final: 'paid' });
      cases.push({ label: 'zimswitch 3', method: 'zimswitch', input: { token: '3'.repeat(32) }, after: 30_000, final: 'failed', failureCode: 'declined' });
      await timeline(cases);
    });

    test('token 4 is refused with "Insufficient balance"; other tokens are refused', async () => {
      const id = await newPayment();
      await refused(id, { method: 'card', token: `{${token('4')}}` }, /^Insufficient balance$/);
      await refused(id, { method: 'card', token: token('4') }, /^Insufficient balance$/);
      await refused(id, { method: 'zimswitch', token: '4'.repeat(32) }, /^Insufficient balance$/);
      await refused(id, { method: 'card', token: token('5') }, /test token/);
      await refused(id, { method: 'card', token: '1'.repeat(32) }, /test token/);
      await refused(id, { method: 'zimswitch', token: token('1') }, /test token/);
      await refused(id, { method: 'zimswitch', token: '1'.repeat(31) }, /test token/);
    });

    test('card 4444 4444 4444 4000 is paid at once; another number is declined', async () => {
      const a = await newPayment();
      const r = await pay(shop.api, a, { method: 'card', cardNumber: '4444 4444 4444 4000' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.payment.state, 'paid');
      assert.ok(r.body.payment.paidAt);
      const d = await detail(shop.api, a);
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'paid']);
      const b = await newPayment();
      await refused(b, { method: 'card', cardNumber: '4111 1111 1111 1111' }, /declined/);
      await refused(b, { method: 'card', cardNumber: '4444 4444 4444 4001' }, /declined/);
      await refused(b, { method: 'card' }, /card number/);
      const c = await pay(shop.api, b, { method: 'card', cardNumber: '4444-4444-4444-4000' });
      assert.equal(c.body.payment.state, 'paid');
    });

    test('BLIK 333333, 333334, 333335 refuse at once with their reasons; other codes are wrong codes', async () => {
      const id = await newPayment({ currency: 'PLN' });
      const expectations: Array<[string, string]> = [
        ['333333', 'authorization_code_invalid'],
        ['333334', 'authorization_code_expired'],
        ['333335', 'authorization_code_used'],
        ['123456', 'authorization_code_invalid'],
        ['11111', 'authorization_code_invalid'],
        ['1111111', 'authorization_code_invalid'],
        ['abcdef', 'authorization_code_invalid'],
      ];
      for (const [code, reason] of expectations) {
        await assert.rejects(
          startPayment(shop.s.app.deps, id, 'blik', { code } satisfies RailInput),
          (err: unknown) => err instanceof TollgateError && err.code === 'refused' && err.reason === reason,
          `code ${code} → ${reason}`,
        );
        await refused(id, { method: 'blik', code }, /BLIK/);
      }
      assert.equal(await stateOf(shop.api, id), 'created');
    });

    test('BLIK 111111 succeeds, 222222 stays pending, 333336 fails', async () => {
      const ok = await newPayment({ currency: 'PLN' });
      const waits = await newPayment({ currency: 'PLN' });
      const fails = await newPayment({ currency: 'PLN' });
      for (const [id, code] of [[ok, '111111'], [waits, '222222'], [fails, '333336']] as const) {
        const r = await pay(shop.api, id, { method: 'blik', code });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.payment.state, 'pending');
      }
      await advance(shop.s, 1_000);
      assert.equal(await stateOf(shop.api, ok), 'paid');
      assert.equal((await detail(shop.api, fails)).payment.state, 'failed');
      assert.equal((await detail(shop.api, fails)).payment.failure.code, 'rejected');
      await advance(shop.s, 10 * 60_000);
      assert.equal(await stateOf(shop.api, waits), 'pending', '222222 stays pending');
    });

    test('BLIK 444444 stays created for 20 s (still created at 19.9 s), then fails', async () => {
      const id = await newPayment({ currency: 'PLN' });
      const r = await pay(shop.api, id, { method: 'blik', code: '444444' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.payment.state, 'created');
      assert.equal(r.body.payment.method, 'blik');
      await advance(shop.s, 19_900);
      let d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'created');
      assert.equal(d.events.length, 1);
      await advance(shop.s, 100);
      d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'failed');
      assert.equal(d.payment.failure.code, 'error');
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'failed']);
    });

    test('pay-by-link: 9999.99 PLN fails, other amounts are paid', async () => {
      const failing = await newPayment({ amount: 999_999, currency: 'PLN' });
      const r = await pay(shop.api, failing, { method: 'pay_by_link' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.payment.state, 'failed');
      assert.equal(r.body.payment.failure.code, 'rejected');
      for (const amount of [999_998, 1_000_000, 100]) {
        const id = await newPayment({ amount, currency: 'PLN' });
        const p = await pay(shop.api, id, { method: 'pay_by_link' });
        assert.equal(p.body.payment.state, 'paid', `${amount} PLN`);
      }
    });

    test('wallet: a fictitious customer pays from the balance; a too-low balance is refused with nothing changed', async () => {
      const created = await shop.api.post(`/api/integrations/${shop.integrationId}/customers`, { name: 'Awa Diop', email: 'Awa@Example.test', phone: '+221770000001', balance: 5_000, currency: 'XOF' });
      assert.equal(created.status, 201, created.text);
      const customerId = created.body.customer.id as string;
      const balance = async () => {
        const list = await shop.api.get(`/api/integrations/${shop.integrationId}/customers`);
        return list.body.data.find((c: { id: string }) => c.id === customerId).balance as number;
      };
      const first = await newPayment({ amount: 3_000, currency: 'XOF' });
      const r = await pay(shop.api, first, { method: 'wallet', customerAlias: 'awa@example.test' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.payment.state, 'paid');
      assert.equal(await balance(), 2_000);

      const second = await newPayment({ amount: 3_000, currency: 'XOF' });
      await refused(second, { method: 'wallet', customerAlias: 'awa@example.test' }, /insufficient balance/i);
      assert.equal(await balance(), 2_000);
      await refused(second, { method: 'wallet', customerAlias: 'nobody@example.test' }, /no fictitious customer/);
      await refused(second, { method: 'wallet' }, /no fictitious customer/);
      const usd = await newPayment({ amount: 10, currency: 'USD' });
      await refused(usd, { method: 'wallet', customerAlias: '+221770000001' }, /XOF/);

      const third = await newPayment({ amount: 2_000, currency: 'XOF' });
      const byPhone = await pay(shop.api, third, { method: 'wallet', customerAlias: '+221770000001' });
      assert.equal(byPhone.body.payment.state, 'paid');
      assert.equal(await balance(), 0);
    });

    test('wallet: concurrent payments cannot both spend the same balance', async () => {
      const created = await shop.api.post(`/api/integrations/${shop.integrationId}/customers`, { name: 'Moussa', email: 'moussa@example.test', phone: '+221770000002', balance: 5_000, currency: 'XOF' });
      assert.equal(created.status, 201, created.text);
      const ids = await Promise.all(Array.from({ length: 6 }, () => newPayment({ amount: 2_000, currency: 'XOF' })));
      const replies = await Promise.all(ids.map((id) => pay(shop.api, id, { method: 'wallet', customerAlias: 'moussa@example.test' })));
      const paid = replies.filter((r) => r.status === 200 && r.body.payment.state === 'paid').length;
      assert.equal(paid, 2, replies.map((r) => `${r.status} ${r.body.detail ?? r.body.payment?.state}`).join('; '));
      for (const r of replies) assert.ok(r.status === 200 || r.status === 422 || r.status === 409, r.text);
      const list = await shop.api.get(`/api/integrations/${shop.integrationId}/customers`);
      assert.equal(list.body.data.find((c: { email: string }) => c.email === 'moussa@example.test').balance, 1_000);
    });

    test('a method the integration has not enabled is refused', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'EcoCash only', enabledMethods: ['ecocash'] });
      const id = await newPayment({}, integrationId);
      await refused(id, { method: 'card', cardNumber: '4444 4444 4444 4000' }, /card is not enabled/);
      await refused(id, { method: 'blik', code: '111111' }, /blik is not enabled/);
      await assert.rejects(startPayment(shop.s.app.deps, id, 'wallet', {}), (err: unknown) => err instanceof TollgateError && err.reason === 'method_not_enabled');
      const ok = await pay(shop.api, id, { method: 'ecocash', phone: '0771111111' });
      assert.equal(ok.status, 200, ok.text);
    });

    test('a payment that is no longer open cannot be paid again', async () => {
      const id = await newPayment();
      await pay(shop.api, id, { method: 'card', cardNumber: '4444444444444000' });
      const again = await pay(shop.api, id, { method: 'ecocash', phone: '0771111111' });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.body.code, 'invalid_state');
    });

    test('in live mode every method refuses clearly and nothing changes', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Going live' });
      await makeLive(shop, integrationId);
      const attempts: Array<[PaymentMethod, Record<string, string>, string]> = [
        ['ecocash', { phone: '0771111111' }, 'USD'],
        ['onemoney', { phone: '0771111111' }, 'USD'],
        ['innbucks', { phone: '0771111111' }, 'USD'],
        ['omari', {}, 'USD'],
        ['card', { token: token('1') }, 'USD'],
        ['card', { cardNumber: '4444 4444 4444 4000' }, 'USD'],
        ['zimswitch', { token: '1'.repeat(32) }, 'USD'],
        ['blik', { code: '111111' }, 'PLN'],
        ['pay_by_link', {}, 'PLN'],
        ['wallet', { customerAlias: 'awa@example.test' }, 'XOF'],
      ];
      for (const [method, input, currency] of attempts) {
        const id = await newPayment({ currency }, integrationId);
        assert.equal((await detail(shop.api, id)).payment.mode, 'live');
        await refused(id, { method, ...input }, /no live connector/);
        await assert.rejects(startPayment(shop.s.app.deps, id, method, input), (err: unknown) => err instanceof TollgateError && err.reason === 'no_live_connector');
        assert.equal(await stateOf(shop.api, id), 'created');
      }
    });
  });
}
