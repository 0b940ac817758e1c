/**
 * The paywall in real Chromium (Debian's, JavaScript off, a 360 px phone): a payment created over
 * the Paynow.pl API is opened by its redirectUrl, as any buyer would (test payments of this dialect
 * are open to every visitor), and paid with seed 001's sandbox scenarios; the Paynow.pl status is
 * read back over the API. SQLite only: the paywall is the same on both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSuite, launchChromium, openMethod, openTab, type Tab } from '../../checkout/browser.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { blikBody, openShop, paymentBody, type Shop } from './harness.js';

if (testDatabases().includes('sqlite')) {
  describe('the Paynow.pl paywall in Chromium on sqlite', browserSuite(), () => {
    let shop: Shop;
    let site: Receiver;
    let browser: Browser;
    let tab: Tab | undefined;
    let page: Page;

    before(async () => {
      browser = await launchChromium();
      site = await startReceiver('/sklep/powrot');
      shop = await openShop('sqlite');
    });
    after(async () => {
      await browser?.close();
      await shop?.s.stop();
      await site?.close();
    });

    /** Creates a payment over the API with the shop's continueUrl and opens its redirectUrl in a new tab. */
    const openPaywall = async (amount: number): Promise<string> => {
      const p = await shop.pl.create(paymentBody({ amount, continueUrl: site.url }));
      assert.equal(p.status, 'NEW');
      tab = await openTab(browser);
      page = tab.page;
      const res = await page.goto(p.redirectUrl ?? '');
      assert.equal(res?.status(), 200);
      assert.match(page.url(), /\/pay\/pay_[0-9a-z]{21}\?t=[0-9a-f]{32}$/, 'the paywall link leads to the hosted checkout');
      return p.paymentId;
    };
    const payByLink = async (bank: string) => {
      await openMethod(page, 'pay_by_link');
      await page.getByLabel(bank).check();
      await page.locator('#method-pay_by_link button[type=submit]').click();
    };
    const landedOnContinueUrl = async () => {
      await page.waitForURL(site.url);
      assert.equal(await page.locator('body').textContent(), 'ok');
    };
    const closeTab = async () => {
      await tab?.close();
      tab = undefined;
    };

    test('pay by link with a bank: paid, back on the continueUrl, CONFIRMED', async (t) => {
      t.after(closeTab);
      const id = await openPaywall(4_599);
      assert.equal(await page.locator('#amount').textContent(), '45.99 PLN');
      await payByLink('PKO Bank Polski');
      await landedOnContinueUrl();
      assert.equal(await shop.pl.status(id), 'CONFIRMED');
    });

    test('9999.99 PLN by link fails with a message on the page (REJECTED); the same amount with mTransfer is paid', async (t) => {
      t.after(closeTab);
      const failing = await openPaywall(999_999);
      assert.equal(await page.locator('#amount').textContent(), '9999.99 PLN');
      await payByLink('ING Bank Śląski');
      await page.waitForURL(/\/pay\/pay_[0-9a-z]+\/status\?t=[0-9a-f]{32}$/);
      assert.equal(await page.locator('#status').textContent(), 'Płatność nieudana');
      assert.match((await page.locator('#outcome-detail').textContent()) ?? '', /9999\.99 PLN/);
      assert.equal(await shop.pl.status(failing), 'REJECTED');
      await closeTab();

      const viaMtransfer = await openPaywall(999_999);
      await payByLink('mTransfer');
      await landedOnContinueUrl();
      assert.equal(await shop.pl.status(viaMtransfer), 'CONFIRMED');
    });

    test('card 4444 4444 4444 4000: paid, back on the continueUrl, CONFIRMED', async (t) => {
      t.after(closeTab);
      const id = await openPaywall(12_300);
      await openMethod(page, 'card');
      await page.locator('#card-card').fill('4444 4444 4444 4000');
      await page.locator('#method-card button[type=submit]').click();
      await landedOnContinueUrl();
      assert.equal(await shop.pl.status(id), 'CONFIRMED');
    });

    test('a redirectUrl with another token, or a White Label payment (no redirectUrl), opens no paywall', async (t) => {
      t.after(closeTab);
      const p = await shop.pl.create(paymentBody({ continueUrl: site.url }));
      tab = await openTab(browser);
      page = tab.page;
      const forged = new URL(p.redirectUrl ?? '');
      forged.searchParams.set('token', 'forged');
      const res = await page.goto(forged.toString());
      assert.equal(res?.status(), 404);
      const wl = await shop.pl.create(blikBody('222222'));
      assert.equal(wl.redirectUrl, null);
      assert.equal((await page.goto(`${shop.s.url}/paywall/${wl.paymentId}?token=`))?.status(), 404);
      assert.equal(await shop.pl.status(p.paymentId), 'NEW');
    });
  });
}
