/**
 * Who may do what on the checkout page, in real Chromium: the owning merchant's Faked Success and
 * Faked Failure, the refusal for everyone else while the merchant is testing, cancelling, an XSS
 * attempt in every merchant-supplied field, and a 360 px phone screen.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { testDatabases } from '../helpers/dbs.js';
import { browserSuite, horizontalOverflow, chromiumWorld, openMethod, type Tab } from './browser.js';
import { OTHER, OWNER } from './world.js';

const TESTING = /This merchant is in testing: the payment cannot be made\. Only the merchant account used to create the integration can log in and test it\./;

for (const kind of testDatabases()) {
  describe(`who may pay, fake and cancel on the checkout page in Chromium on ${kind}`, browserSuite(), () => {
    const cw = chromiumWorld(kind);
    let tab: Tab;
    let page: Page;

    const newTab = async (options: { javaScript?: boolean } = {}) => {
      tab = await cw.tab(options);
      page = tab.page;
      return page;
    };
    const logInOnPage = async (email: string, password: string) => {
      await page.getByText('Merchant? Log in to test').click();
      await page.fill('#login-email', email);
      await page.fill('#login-password', password);
      await page.getByRole('button', { name: 'Log in' }).click();
    };
    const fakeButtons = () => page.getByRole('button', { name: /TESTING: Faked (Success|Failure)/ });

    test('the owning merchant logs in on the page, sees the TEST banner and fakes a success, then a failure', async () => {
      const id = await cw.w.pay({ testCheckout: 'merchant_only' });
      await newTab();
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.match((await page.locator('.co-test').textContent()) ?? '', /^TEST/);
      assert.match((await page.locator('#merchant-testing').textContent()) ?? '', TESTING);
      assert.equal(await fakeButtons().count(), 0);
      await logInOnPage(OWNER.email, OWNER.password);
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.equal(await page.locator('#merchant-testing').count(), 0);
      assert.equal(await fakeButtons().count(), 2);
      assert.ok((await page.locator('details.co-method').count()) > 0, 'the owner can also use the methods');
      await page.getByRole('button', { name: 'TESTING: Faked Success' }).click();
      await page.waitForURL(cw.w.returnUrl);
      assert.equal((await cw.w.payment(id)).state, 'paid');

      const second = await cw.w.pay({ testCheckout: 'merchant_only' });
      await page.goto(`${cw.w.s.url}${await cw.w.at(second)}`);
      await page.getByRole('button', { name: 'TESTING: Faked Failure' }).click();
      await page.waitForURL(cw.w.returnUrl);
      const p = await cw.w.payment(second);
      assert.equal(p.state, 'failed');
      assert.equal(p.failureMessage, 'Failed by the sandbox controls');
    });

    test('anyone else is told the merchant is in testing and cannot pay, even another merchant logged in; a wrong password is refused', async () => {
      const id = await cw.w.pay({ testCheckout: 'merchant_only' });
      await newTab();
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.match((await page.locator('#merchant-testing').textContent()) ?? '', TESTING);
      assert.equal(await page.locator('details.co-method').count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Pay / }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Cancel payment' }).count(), 0);
      assert.equal(await fakeButtons().count(), 0);
      await logInOnPage(OWNER.email, 'a wrong password');
      assert.equal(await page.locator('#login-error').textContent(), 'the email address or the password is wrong');
      assert.equal(await page.locator('#login-email').inputValue(), OWNER.email);
      await page.fill('#login-email', OTHER.email);
      await page.fill('#login-password', OTHER.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.match((await page.locator('#merchant-testing').textContent()) ?? '', TESTING);
      assert.equal(await fakeButtons().count(), 0);
      assert.equal(await page.locator('details.co-method').count(), 0);
      assert.equal((await cw.w.payment(id)).state, 'created');
      // "Back to the merchant" leaves the payment as it is.
      await page.locator('#back').click();
      await page.waitForURL(cw.w.cancelUrl);
      assert.equal((await cw.w.payment(id)).state, 'created');
    });

    test('an open test checkout lets anyone pay with the test values, without the fake buttons', async () => {
      const id = await cw.w.pay({ testCheckout: 'open' });
      await newTab();
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.equal(await fakeButtons().count(), 0);
      assert.equal(await page.locator('#merchant-testing').count(), 0);
      await openMethod(page, 'card');
      assert.match((await page.locator('#method-card .co-hint').textContent()) ?? '', /4444 4444 4444 4000/);
      await page.fill('#card-card', '4444 4444 4444 4000');
      await page.locator('#method-card button[type=submit]').click();
      await page.waitForURL(cw.w.returnUrl);
      assert.equal((await cw.w.payment(id)).state, 'paid');
    });

    test('cancelling sends the customer to the cancel URL, else the return URL, else says "cancelled"', async () => {
      await newTab();
      const cases = [
        { body: {}, lands: cw.w.cancelUrl },
        { body: { cancelUrl: null }, lands: cw.w.returnUrl },
        { body: { cancelUrl: null, returnUrl: null }, lands: null },
      ];
      for (const c of cases) {
        const id = await cw.w.pay({ testCheckout: 'open', ...c.body });
        await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
        await page.getByRole('button', { name: 'Cancel payment' }).click();
        if (c.lands) await page.waitForURL(c.lands);
        else {
          await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
          assert.equal(await page.locator('#status').textContent(), 'Payment cancelled');
          assert.equal(await page.locator('#back').count(), 0);
        }
        assert.equal((await cw.w.payment(id)).state, 'cancelled');
      }
    });

    test('an XSS attempt in every merchant-supplied field stays text (JavaScript on, so a script that ran would show)', async (t) => {
      const company = `<img src=x onerror="alert('company')">Acme`;
      const description = `<script>alert('description')</script>`;
      const reference = `"><svg onload=alert('reference')>`;
      const item = `<iframe srcdoc="<script>alert('item')</script>"></iframe>`;
      const returnUrl = `${cw.w.returnUrl}?next="><script>alert('url')</script>`;
      await cw.w.api.patch('/api/me', { companyName: company });
      t.after(() => cw.w.api.patch('/api/me', { companyName: OWNER.company }).then(() => undefined));
      const id = await cw.w.payDirect({ description, reference, items: [{ name: item, quantity: 1, unitMinor: 1250 }], returnUrl, cancelUrl: null, testCheckout: 'open' });
      await newTab({ javaScript: true });
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.equal(await page.locator('.co-merchant').textContent(), company);
      assert.equal(await page.locator('#description').textContent(), description);
      assert.equal(await page.locator('#reference').textContent(), reference);
      assert.equal(await page.locator('.co-items td').first().textContent(), item);
      assert.equal(await page.title(), `Pay ${company}`);
      assert.equal(await page.locator('script, img, svg, iframe').count(), 0, 'no element was injected');
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      // No cancel URL: the customer is sent to the return URL, exactly as the merchant gave it (percent-encoded).
      await page.waitForURL((u) => u.pathname === '/return');
      assert.equal(page.url(), new URL(returnUrl).href);
      assert.deepEqual(tab.dialogs, []);
      // The outcome page links the same URL as an attribute, not as markup.
      await page.goto(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
      assert.equal(await page.locator('#back').getAttribute('href'), new URL(returnUrl).href);
      assert.equal(await page.locator('script, img, svg, iframe').count(), 0);
      assert.deepEqual(tab.dialogs, []);
    });

    test('readable on a 360 px phone: the stylesheet loads under the CSP and nothing scrolls sideways', async () => {
      const id = await cw.w.pay({ testCheckout: 'merchant_only', description: 'A rather long description with a veryveryveryveryveryveryveryverylongwordwithoutbreaks to wrap', items: [{ name: 'Claw hammer, 16 oz, fibreglass handle', quantity: 2, unitMinor: 625 }] });
      await newTab();
      await page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.equal(await page.locator('.co-test').evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundColor), 'rgb(176, 0, 32)', 'our stylesheet applies');
      assert.equal(await horizontalOverflow(page), 0, 'the visitor page');
      await logInOnPage(OWNER.email, OWNER.password);
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id)}`);
      for (const summary of await page.locator('details.co-method > summary').all()) await summary.click();
      assert.equal(await horizontalOverflow(page), 0, 'the owner page with every method open');
      const box = await page.locator('#method-card button[type=submit]').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360, 'the pay button fits the screen');
      await page.fill('#ecocash-phone', '0772222222');
      await page.locator('#method-ecocash button[type=submit]').click();
      await page.waitForURL(`${cw.w.s.url}${await cw.w.at(id, 'status')}`);
      assert.equal(await horizontalOverflow(page), 0, 'the waiting page');
      assert.equal(await fakeButtons().count(), 2, 'the owner can fake the outcome from the waiting page too');
    });
  });
}
