/**
 * Paying with each method in real Chromium, JavaScript off, on a 360 px screen: the customer picks
 * a method, completes its flow and lands on the merchant's return URL (or sees why not).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createFictitiousCustomer } from '../../src/services/sandbox/controls.js';
import { testDatabases } from '../helpers/dbs.js';
import { browserSuite, launchChromium, openMethod, openTab, type Tab } from './browser.js';
import { startWorld, type World } from './world.js';

for (const kind of testDatabases()) {
  describe(`paying on the checkout page in Chromium on ${kind}`, browserSuite(), () => {
    let w: World;
    let browser: Browser;
    let tab: Tab;
    let page: Page;

    before(async () => {
      browser = await launchChromium();
      w = await startWorld(kind);
    });
    after(async () => {
      await browser?.close();
      await w?.stop();
    });

    const open = async (body: Parameters<World['pay']>[0] = {}) => {
      const id = await w.pay({ testCheckout: 'open', ...body });
      tab = await openTab(browser);
      page = tab.page;
      await page.goto(`${w.s.url}${await w.at(id)}`);
      return id;
    };
    const payWith = async (method: string, fill: (p: Page) => Promise<void>) => {
      await openMethod(page, method);
      await fill(page);
      await page.locator(`#method-${method} button[type=submit]`).click();
    };
    const landedOnReturn = async () => {
      await page.waitForURL(w.returnUrl);
      assert.equal(await page.locator('body').textContent(), 'ok');
    };
    const closeTab = () => tab?.close();

    test('EcoCash with a test phone: the waiting page refreshes by itself and sends the customer to the return URL once paid', async (t) => {
      t.after(closeTab);
      const id = await open();
      assert.equal(await page.locator('#amount').textContent(), '12.50 USD');
      await payWith('ecocash', (p) => p.fill('#ecocash-phone', '0771111111'));
      await page.waitForURL(`${w.s.url}${await w.at(id, 'status')}`);
      assert.match((await page.locator('#instructions').textContent()) ?? '', /Dial \*151\*2\*4#/);
      assert.equal((await w.payment(id)).state, 'pending');
      await w.advance(5_001);
      await landedOnReturn();
      assert.equal((await w.payment(id)).state, 'paid');
      assert.equal((await w.payment(id)).method, 'ecocash');
    });

    test('OneMoney: Insufficient balance is shown and changes nothing; another test phone pays after 30 s', async (t) => {
      t.after(closeTab);
      const id = await open();
      await payWith('onemoney', (p) => p.fill('#onemoney-phone', '0774444444'));
      assert.equal(await page.locator('#error-onemoney').textContent(), 'Insufficient balance');
      assert.equal(page.url(), `${w.s.url}${await w.at(id, 'pay')}`);
      assert.equal((await w.payment(id)).state, 'created');
      assert.equal(await page.locator('#onemoney-phone').inputValue(), '0774444444');
      await page.locator('#onemoney-phone').fill('0772222222');
      await page.locator('#method-onemoney button[type=submit]').click();
      await page.waitForURL(`${w.s.url}${await w.at(id, 'status')}`);
      await w.advance(30_001);
      await page.reload();
      await landedOnReturn();
      assert.equal((await w.payment(id)).state, 'paid');
    });

    test("InnBucks without a phone: the authorization code is shown while waiting, and the customer can still cancel", async (t) => {
      t.after(closeTab);
      const id = await open();
      await payWith('innbucks', async () => {});
      await page.waitForURL(/\/status\?t=[0-9a-f]{32}&code=\d{9}$/);
      const code = new URL(page.url()).searchParams.get('code');
      assert.equal(await page.locator('#auth-code').textContent(), code);
      assert.match((await page.locator('#instructions').textContent()) ?? '', /InnBucks app/);
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      await page.waitForURL(w.cancelUrl);
      assert.equal((await w.payment(id)).state, 'cancelled');
    });

    test("O'mari with a test phone that fails: the outcome and a Return to merchant link", async (t) => {
      t.after(closeTab);
      const id = await open();
      await payWith('omari', (p) => p.fill('#omari-phone', '0773333333'));
      await page.waitForURL(/\/status\?t=[0-9a-f]{32}&code=\d{9}$/);
      await w.advance(30_001);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The customer cancelled the payment on their phone');
      await page.getByRole('link', { name: 'Return to merchant' }).click();
      await landedOnReturn();
      assert.equal((await w.payment(id)).state, 'failed');
    });

    test('card: another number is declined with a message; 4444 4444 4444 4000 pays at once', async (t) => {
      t.after(closeTab);
      const id = await open();
      await payWith('card', (p) => p.fill('#card-card', '4111 1111 1111 1111'));
      assert.equal(await page.locator('#error-card').textContent(), 'the card was declined (test mode: use 4444 4444 4444 4000)');
      assert.equal(await page.locator('#card-card').inputValue(), '', 'a card number is never echoed back');
      assert.equal((await w.payment(id)).state, 'created');
      await page.locator('#card-card').fill('4444 4444 4444 4000');
      await page.locator('#method-card button[type=submit]').click();
      await landedOnReturn();
      const p = await w.payment(id);
      assert.equal(p.state, 'paid');
      assert.equal(p.method, 'card');
    });

    test('ZimSwitch card 4444 4444 4444 4000 pays at once', async (t) => {
      t.after(closeTab);
      const id = await open();
      await payWith('zimswitch', (p) => p.fill('#zimswitch-card', '4444444444444000'));
      await landedOnReturn();
      assert.equal((await w.payment(id)).method, 'zimswitch');
    });

    test('BLIK: 333333 is refused; 111111 is pending, then paid after half a second', async (t) => {
      t.after(closeTab);
      const id = await open({ currency: 'PLN' });
      await payWith('blik', (p) => p.fill('#blik-code', '333333'));
      assert.equal(await page.locator('#error-blik').textContent(), 'the BLIK code is wrong');
      assert.equal((await w.payment(id)).state, 'created');
      await page.locator('#blik-code').fill('111111');
      await page.locator('#method-blik button[type=submit]').click();
      await page.waitForURL(`${w.s.url}${await w.at(id, 'status')}`);
      assert.equal((await w.payment(id)).state, 'pending');
      await w.advance(501);
      await landedOnReturn();
      assert.equal((await w.payment(id)).state, 'paid');
    });

    test('BLIK: 333336 fails after the wait, 444444 stays new and then fails after 20 s, 222222 stays pending', async (t) => {
      t.after(closeTab);
      const rejected = await open({ currency: 'PLN' });
      await payWith('blik', (p) => p.fill('#blik-code', '333336'));
      await page.waitForURL(`${w.s.url}${await w.at(rejected, 'status')}`);
      await w.advance(501);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The BLIK payment was rejected');
      assert.equal(await page.locator('#back').getAttribute('href'), w.returnUrl);

      const timeout = await w.pay({ testCheckout: 'open', currency: 'PLN' });
      await page.goto(`${w.s.url}${await w.at(timeout)}`);
      await payWith('blik', (p) => p.fill('#blik-code', '444444'));
      await page.waitForURL(`${w.s.url}${await w.at(timeout, 'status')}`);
      assert.equal((await w.payment(timeout)).state, 'created');
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      await w.advance(19_000);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      await w.advance(1_001);
      await page.reload();
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The BLIK payment timed out');

      const stuck = await w.pay({ testCheckout: 'open', currency: 'PLN' });
      await page.goto(`${w.s.url}${await w.at(stuck)}`);
      await payWith('blik', (p) => p.fill('#blik-code', '222222'));
      await page.waitForURL(`${w.s.url}${await w.at(stuck, 'status')}`);
      await w.advance(60_000);
      await page.reload();
      assert.equal(await page.locator('#status').textContent(), 'Waiting for your payment to be confirmed…');
      assert.equal((await w.payment(stuck)).state, 'pending');
    });

    test('pay by link: a bank pays at once; 9999.99 PLN fails with a message on the page', async (t) => {
      t.after(closeTab);
      const id = await open({ currency: 'PLN', amount: 4_999 });
      await payWith('pay_by_link', (p) => p.getByLabel('ING Bank Śląski').check());
      await landedOnReturn();
      assert.equal((await w.payment(id)).state, 'paid');

      const failing = await w.pay({ testCheckout: 'open', currency: 'PLN', amount: 999_999 });
      await page.goto(`${w.s.url}${await w.at(failing)}`);
      assert.equal(await page.locator('#amount').textContent(), '9999.99 PLN');
      await payWith('pay_by_link', (p) => p.getByLabel('Bank Pekao').check());
      await page.waitForURL(`${w.s.url}${await w.at(failing, 'status')}`);
      assert.equal(await page.locator('#status').textContent(), 'Payment failed');
      assert.equal(await page.locator('#outcome-detail').textContent(), 'The bank rejected the payment (test mode: 9999.99 PLN always fails)');
      assert.equal((await w.payment(failing)).state, 'failed');

      // Seed 001: the 9999.99 failure applies to every pay-by-link bank except mTransfer.
      const viaMtransfer = await w.pay({ testCheckout: 'open', currency: 'PLN', amount: 999_999 });
      await page.goto(`${w.s.url}${await w.at(viaMtransfer)}`);
      await payWith('pay_by_link', (p) => p.getByLabel('mTransfer').check());
      await landedOnReturn();
      assert.equal((await w.payment(viaMtransfer)).state, 'paid');
    });

    test('wallet: a fictitious customer pays from their balance; one who cannot afford it is told so', async (t) => {
      t.after(closeTab);
      await createFictitiousCustomer(w.s.app.deps, w.ownerId, w.integrationId, { name: 'Moussa', email: 'moussa@example.test', phone: '+221770000002', balanceMinor: 2_000, currency: 'USD' });
      const id = await open({ amount: 2_500 });
      await payWith('wallet', (p) => p.fill('#wallet-customer', 'moussa@example.test'));
      assert.equal(await page.locator('#error-wallet').textContent(), 'insufficient balance: Moussa cannot pay this amount');
      assert.equal((await w.payment(id)).state, 'created');
      const cheap = await w.pay({ testCheckout: 'open', amount: 1_999 });
      await page.goto(`${w.s.url}${await w.at(cheap)}`);
      await payWith('wallet', (p) => p.fill('#wallet-customer', '+221770000002'));
      await landedOnReturn();
      assert.equal((await w.payment(cheap)).state, 'paid');
    });
  });
}
