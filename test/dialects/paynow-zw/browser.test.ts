/**
 * The Paynow Zimbabwe web flow in real Chromium: an initiate request (hashed as the spec says) hands out
 * a browser URL; the owning merchant opens it, logs in, clicks TESTING: Faked Success; the hashed status
 * update reaches the result URL and the browser arrives at the return URL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { browserSuite, launchChromium, openTab } from '../../checkout/browser.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const sha512 = (s: string) => createHash('sha512').update(s).digest('hex').toUpperCase();

describe('Paynow Zimbabwe web flow in Chromium (SQLite)', browserSuite(), () => {
  let s: TestServer;
  let browser: Browser;
  let result: Receiver;
  let back: Receiver;
  let id: string;
  let key: string;
  const owner = { email: 'owner@shop.com', password: 'hardware till 4821' };

  before(async () => {
    browser = await launchChromium();
    s = await startTestServer('sqlite', { worker: true });
    result = await startReceiver('/result');
    back = await startReceiver('/return');
    const { merchant } = await registerMerchant(s.app.deps, { ...owner, companyName: 'Shop' }, { verified: true });
    const { credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'ZW web' }, { kind: 'system', id: null });
    id = String(credentials.paynowZw.integrationId);
    key = credentials.paynowZw.integrationKey;
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
    await result?.close();
    await back?.close();
  });

  test('browserurl → login → TESTING: Faked Success → status update with a valid hash → return URL', async () => {
    const pairs: Array<[string, string]> = [
      ['id', id],
      ['reference', 'WEB-1'],
      ['amount', '12.50'],
      ['additionalinfo', 'Two hammers'],
      ['returnurl', back.url],
      ['resulturl', result.url],
      ['authemail', owner.email],
      ['status', 'Message'],
    ];
    const hash = sha512(pairs.map(([, v]) => v).join('') + key);
    const body = [...pairs, ['hash', hash]].map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`).join('&');
    const init = await (await fetch(`${s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).text();
    const browserUrl = new URLSearchParams(init).get('browserurl');
    assert.ok(browserUrl, init);

    const tab = await openTab(browser);
    try {
      const { page } = tab;
      await page.goto(browserUrl);
      assert.match(await page.locator('body').textContent() ?? '', /testing/i, 'a visitor is told the merchant is testing');
      await page.locator('details.co-login > summary').click();
      await page.fill('#login-email', owner.email);
      await page.fill('#login-password', owner.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'TESTING: Faked Success' }).click();
      await page.waitForURL(`${back.url}**`);
      assert.equal(new URL(page.url()).pathname, '/return');
    } finally {
      await tab.close();
    }

    const [update] = await result.waitFor(1);
    assert.ok(update);
    const fields = update.body.split('&').map((p) => p.split('=').map((x) => decodeURIComponent(x.replace(/\+/g, ' '))) as [string, string]);
    const got = Object.fromEntries(fields);
    assert.equal(got.status, 'Paid');
    assert.equal(got.reference, 'WEB-1');
    assert.equal(got.amount, '12.50');
    const expected = sha512(fields.filter(([k]) => k !== 'hash').map(([, v]) => v).join('') + key);
    assert.equal(got.hash, expected, 'the status update carries a valid hash');
  });
});
