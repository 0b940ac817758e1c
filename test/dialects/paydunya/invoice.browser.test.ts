/**
 * Spec §4, §6 in Debian's Chromium (JavaScript off, a 360 px phone): the customer opens the invoice URL
 * that create answered (response_text), is sent on to the hosted checkout, logs in to the wallet as a
 * fictitious customer with their email and pays from their balance — or, with too little balance, is
 * refused with a clear message — and lands on return_url with the token appended; or cancels and lands
 * on cancel_url?token=. SQLite only: the flow is the same on PostgreSQL (lifecycle.test.ts covers both).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FictitiousCustomer } from '../../../src/store/repos/sandbox.js';
import { browserSuite, launchChromium, openMethod, openTab, type Tab } from '../../checkout/browser.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { pd, SANDBOX, type Shop, startShop } from './harness.js';

if (testDatabases().includes('sqlite')) {
  describe('paying a PayDunya invoice in Chromium (sqlite)', browserSuite(), () => {
    let s: Shop;
    let site: Receiver;
    let browser: Browser;
    let tab: Tab | undefined;
    let rich: FictitiousCustomer;
    let poor: FictitiousCustomer;

    before(async () => {
      browser = await launchChromium();
      site = await startReceiver('/return');
      s = await startShop('sqlite');
      rich = await s.customer('Ibrahima Sow', 'ibrahima@example.sn', '776660011', 100_000);
      poor = await s.customer('Ndeye Gueye', 'ndeye@example.sn', '776660022', 500);
    });
    after(async () => {
      await tab?.close();
      await browser?.close();
      await s?.stop();
      await site?.close();
    });

    const cancelUrl = () => site.url.replace('/return', '/cancel');

    const create = async (total: number, returnUrl: string) => {
      const c = pd(
        await s.post(`${SANDBOX}/checkout-invoice/create`, {
          invoice: { total_amount: total, description: 'Commande 7', items: { item_0: { name: 'Boubou', quantity: 1, unit_price: total, total_price: total } } },
          store: { name: 'Magasin le Choco' },
          actions: { return_url: returnUrl, cancel_url: cancelUrl() },
        }),
        '00',
      );
      return { token: c.token as string, url: c.response_text as string };
    };

    test('response_text → hosted checkout; a customer with too little balance is refused clearly; one who can pays and lands on return_url&token=', async (t) => {
      const { token, url } = await create(25_000, `${site.url}?order=7`);
      tab = await openTab(browser);
      t.after(() => tab?.close());
      const page = tab.page;
      await page.goto(url);
      await page.waitForURL(new RegExp(`^${s.url}/pay/pay_[0-9a-z]{21}\\?t=[0-9a-f]{32}$`));
      assert.match((await page.locator('main').textContent()) ?? '', /25[\s,.\u202f]?000/);

      await openMethod(page, 'wallet');
      await page.fill('#wallet-customer', poor.email);
      await page.locator('#method-wallet button[type=submit]').click();
      const error = (await page.locator('#error-wallet').textContent()) ?? '';
      assert.match(error, /insufficient balance/i);
      assert.match(error, /Ndeye Gueye/);
      assert.equal((await s.confirm(token)).status, 'pending');
      assert.equal(await s.balanceOf(poor), 500);

      await page.fill('#wallet-customer', rich.email);
      await page.locator('#method-wallet button[type=submit]').click();
      await page.waitForURL(`${site.url}?order=7&token=${token}`);
      assert.equal(await page.locator('body').textContent(), 'ok');

      const done = await s.confirm(token);
      assert.equal(done.status, 'completed');
      assert.equal(done.customer.email, 'ibrahima@example.sn');
      assert.equal(done.customer.name, 'Ibrahima Sow');
      assert.equal(await s.balanceOf(rich), 75_000, 'the balance is debited');
      assert.equal(await s.balanceOf(poor), 500);

      // The receipt is a PDF (its contents: test/checkout/receipt.test.ts); the browser fetches it as one.
      const receipt = await page.request.get(done.receipt_url);
      assert.equal(receipt.status(), 200);
      assert.equal(receipt.headers()['content-type'], 'application/pdf');
      assert.deepEqual(tab.dialogs, []);
    });

    test('cancelling on the page lands on cancel_url?token=<invoice token>; the invoice is cancelled', async (t) => {
      const { token, url } = await create(3_000, site.url);
      tab = await openTab(browser);
      t.after(() => tab?.close());
      const page = tab.page;
      await page.goto(url);
      await page.waitForURL(new RegExp(`^${s.url}/pay/pay_`));
      await page.locator('form.co-cancel button[type=submit]').click();
      await page.waitForURL(`${cancelUrl()}?token=${token}`);
      assert.equal(await page.locator('body').textContent(), 'ok');
      assert.equal((await s.confirm(token)).status, 'cancelled');
      assert.equal(await s.balanceOf(rich), 75_000);
    });
  });
}
