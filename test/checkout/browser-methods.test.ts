/**
 * Paying with each method in real Chromium, JavaScript off, on a 360 px screen: the customer picks
 * a method, completes its flow and lands on the merchant's return URL (or sees why not).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createFictitiousCustomer } from '../../src/services/sandbox/controls.js';
import { testDatabases } from '../helpers/dbs.js';
import { browserSuite, chromiumWorld, openMethod, type Tab } from './browser.js';
import type { World } from './world.js';

for (const kind of testDatabases()) {
  describe(`paying on the checkout page in Chromium on ${kind}`, browserSuite(), () => {
    const cw = chromiumWorld(kind);
    let tab: Tab;
    let page: Page;

    const open = async (body: Parameters<World['pay']>[0] = {}) => {
      const id = await cw.w.pay({ testCheckout: 'open', ...body });
      tab = await cw.tab();
      page = tab.page;
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      return id;
    };
    const payWith = async (method: string, fill: (p: Page) => Promise<void>) => {
      await openMethod(page, method);
      await fill(page);
      await page.locator(`#method-${method} button[type=submit]`).click();
    };
    const landedOnReturn = async () => {
      await page.waitForURL(cw.w.returnUrl);
      assert.equal(await page.locator('body').textContent(), 'ok');
    };

    test('EcoCash with a test phone: the waiting page refreshes by itself and sends the customer to the return URL once paid', async () => {
      const id = await open();
      assert.equal(await page.locator('#amount').textContent(), '12.50 USD');
      await payWith('ecocash', (p) => p.fill('#ecocash-phone', '0771111111'));
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
      assert.match((await page.locator('#instructions').textContent()) ?? '', /Dial \*151\*2\*4#/);
      assert.equal((await cw.w.payment(id)).state, 'pending');
      await cw.w.advance(5_001);
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).state, 'paid');
      assert.equal((await cw.w.payment(id)).method, 'ecocash');
    });

    test('OneMoney: Insufficient balance is shown and changes nothing; another test phone pays after 30 s', async () => {
      const id = await open();
      await payWith('onemoney', (p) => p.fill('#onemoney-phone', '0774444444'));
      assert.equal(await page.locator('#error-onemoney').textContent(), 'Insufficient balance');
      assert.equal(page.url(), `${cw.w.s.url}${await cw.w.at(id, 'pay')}`);
      assert.equal((await cw.w.payment(id)).state, 'created');
      assert.equal(await page.locator('#onemoney-phone').inputValue(), '0774444444');
      await page.locator('#onemoney-phone').fill('0772222222');
      await page.locator('#method-onemoney button[type=submit]').click();
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
      await cw.w.advance(30_001);
      await page.reload();
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).state, 'paid');
    });

    test("InnBucks without a phone: the authorization code is shown while waiting, and the customer can still cancel", async () => {
      const id = await open();
      await payWith('innbucks', async () => {});
      await page.waitForURL(/\/status\?t=[0-9a-f]{32}&code=\d{9}$/);
      const code = new URL(page.url()).searchParams.get('code');
      assert.equal(await page.locator('#auth-code').textContent(), code);
      assert.match((await page.locator('#instructions').textContent()) ?? '', /InnBucks app/);
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      await page.waitForURL(cw.w.cancelUrl);
      assert.equal((await cw.w.payment(id)).state, 'cancelled');
    });

    test("O'mari with a test phone that fails: the outcome and a Return to merchant link", async () => {
      const id = await open();
      await payWith('omari', (p) => p.fill('#omari-phone', '0773333333'));
      await page.waitForURL(/\/status\?t=[0-9a-f]{32}&code=\d{9}$/);
      await cw.w.advance(30_001);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The customer cancelled the payment on their phone');
      await page.getByRole('link', { name: 'Return to merchant' }).click();
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).state, 'failed');
    });

    test('card: another number is declined with a message; 4444 4444 4444 4000 pays at once', async () => {
      const id = await open();
      await payWith('card', (p) => p.fill('#card-card', '4111 1111 1111 1111'));
      assert.equal(await page.locator('#error-card').textContent(), 'the card was declined (test mode: use 4444 4444 4444 4000)');
      assert.equal(await page.locator('#card-card').inputValue(), '', 'a card number is never echoed back');
      assert.equal((await cw.w.payment(id)).state, 'created');
      await page.locator('#card-card').fill('4444 4444 4444 4000');
      await page.locator('#method-card button[type=submit]').click();
      await landedOnReturn();
      const p = await cw.w.payment(id);
      assert.equal(p.state, 'paid');
      assert.equal(p.method, 'card');
    });

    test('ZimSwitch card 4444 4444 4444 4000 pays at once', async () => {
      const id = await open();
      await payWith('zimswitch', (p) => p.fill('#zimswitch-card', '4444444444444000'));
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).method, 'zimswitch');
    });

    test('BLIK: 333333 is refused; 111111 is pending, then paid after half a second', async () => {
      const id = await open({ currency: 'PLN' });
      await payWith('blik', (p) => p.fill('#blik-code', '333333'));
      assert.equal(await page.locator('#error-blik').textContent(), 'the BLIK code is wrong');
      assert.equal((await cw.w.payment(id)).state, 'created');
      await page.locator('#blik-code').fill('111111');
      await page.locator('#method-blik button[type=submit]').click();
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
      assert.equal((await cw.w.payment(id)).state, 'pending');
      await cw.w.advance(501);
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).state, 'paid');
    });

    test('BLIK: 333336 fails after the wait, 444444 stays new and then fails after 20 s, 222222 stays pending', async () => {
      const rejected = await open({ currency: 'PLN' });
      await payWith('blik', (p) => p.fill('#blik-code', '333336'));
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(rejected, 'status')}`);
      await cw.w.advance(501);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The BLIK payment was rejected');
      assert.equal(await page.locator('#back').getAttribute('href'), cw.w.returnUrl);

      const timeout = await cw.w.pay({ testCheckout: 'open', currency: 'PLN' });
      await page.goto(`${cw.w.s.url}${await cw.w.at(timeout)}`);
      await payWith('blik', (p) => p.fill('#blik-code', '444444'));
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(timeout, 'status')}`);
      assert.equal((await cw.w.payment(timeout)).state, 'created');
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      await cw.w.advance(19_000);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      await cw.w.advance(1_001);
      await page.reload();
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The BLIK payment timed out');

      const stuck = await cw.w.pay({ testCheckout: 'open', currency: 'PLN' });
      await page.goto(`${cw.w.s.url}${await cw.w.at(stuck)}`);
      await payWith('blik', (p) => p.fill('#blik-code', '222222'));
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(stuck, 'status')}`);
      await cw.w.advance(60_000);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      assert.equal((await cw.w.payment(stuck)).state, 'pending');
    });

    test('pay by link: a bank pays at once; 9999.99 PLN fails with a message on the page', async () => {
      const id = await open({ currency: 'PLN', amount: 4_999 });
      await payWith('pay_by_link', (p) => p.getByLabel('ING Bank Śląski').check());
      await landedOnReturn();
      assert.equal((await cw.w.payment(id)).state, 'paid');

      const failing = await cw.w.pay({ testCheckout: 'open', currency: 'PLN', amount: 999_999 });
      await page.goto(`${cw.w.s.url}${await cw.w.at(failing)}`);
      assert.equal(await page.locator('#amount').textContent(), '9999.99 PLN');
      await payWith('pay_by_link', (p) => p.getByLabel('Bank Pekao').check());
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(failing, 'status')}`);
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The bank rejected the payment (test mode: 9999.99 PLN always fails)');
      assert.equal((await cw.w.payment(failing)).state, 'failed');

      // Seed 001: the 9999.99 failure applies to every pay-by-link bank except mTransfer.
      const viaMtransfer = await cw.w.pay({ testCheckout: 'open', currency: 'PLN', amount: 999_999 });
      await page.goto(`${cw.w.s.url}${await cw.w.at(viaMtransfer)}`);
      await payWith('pay_by_link', (p) => p.getByLabel('mTransfer').check());
      await landedOnReturn();
      assert.equal((await cw.w.payment(viaMtransfer)).state, 'paid');
    });

    test('wallet: a fictitious customer pays from their balance; one who cannot afford it is told so', async () => {
      await createFictitiousCustomer(cw.w.s.app.deps, cw.w.ownerId, cw.w.integrationId, { name: 'Moussa', email: 'moussa@example.test', phone: '+221770000002', balanceMinor: 2_000, currency: 'USD' });
      const id = await open({ amount: 2_500 });
      await payWith('wallet', (p) => p.fill('#wallet-customer', 'moussa@example.test'));
      assert.equal(await page.locator('#error-wallet').textContent(), 'insufficient balance: Moussa cannot pay this amount');
      assert.equal((await cw.w.payment(id)).state, 'created');
      const cheap = await cw.w.pay({ testCheckout: 'open', amount: 1_999 });
      await page.goto(`${cw.w.s.url}${await cw.w.at(cheap)}`);
      await payWith('wallet', (p) => p.fill('#wallet-customer', '+221770000002'));
      await landedOnReturn();
      assert.equal((await cw.w.payment(cheap)).state, 'paid');
    });
  });
}
