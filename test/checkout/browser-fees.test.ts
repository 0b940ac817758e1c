import type { PaymentId } from '../../src/core/ids.js';
/**
 * Fees on the hosted checkout in real Chromium (issue 18): when the customer pays them, each method
 * shows its fee as its own line and the button the amount plus the fee, which is what is charged;
 * when the integration absorbs them, the page shows the amount alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { integrationBalances } from '../../src/services/money/balances.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { testDatabases } from '../helpers/dbs.js';
import { browserSuite, chromiumWorld, openMethod } from './browser.js';

for (const kind of testDatabases()) {
  describe(`fees on the checkout page in Chromium on ${kind}`, browserSuite(), () => {
    const cw = chromiumWorld(kind);

    const payByCard = async (id: PaymentId) => {
      const w = cw.w;
      const tab = await cw.tab();
      await tab.page.goto(`${w.s.url}${await w.at(id)}`);
      await openMethod(tab.page, 'card');
      const fee = (await tab.page.locator('#fee-card').count()) > 0 ? await tab.page.locator('#fee-card').textContent() : null;
      const button = await tab.page.locator('#method-card button[type=submit]').textContent();
      await tab.page.locator('#card-card').fill('4444 4444 4444 4000');
      await tab.page.locator('#method-card button[type=submit]').click();
      await tab.page.waitForURL(w.returnUrl);
      return { fee, button };
    };

    test('the customer pays: a fee line, and amount + fee charged; absorbed: no line, the merchant receives amount − fee', async () => {
      const w = cw.w;
      const deps = w.s.app.deps;
      const first = await w.pay({ testCheckout: 'open', amount: 1_250, currency: 'USD' });
      // 2.5 % of 12.50 is 0.3125: 31 cents, half up.
      assert.deepEqual(await payByCard(first), { fee: 'Fee: 0.31 USD', button: 'Pay 12.81 USD' });
      const p1 = await w.payment(first);
      assert.deepEqual([p1.state, p1.feeMinor, p1.feePaidBy], ['paid', 31, 'customer']);
      assert.deepEqual((await integrationBalances(deps, w.integrationId)).map((b) => [b.availableMinor, b.feesMinor]), [[1_250, 31]]);

      assert.equal((await w.api.patch(`/api/integrations/${w.integrationId}`, { absorbFees: true })).status, 200);
      const second = await w.pay({ testCheckout: 'open', amount: 1_250, currency: 'USD' });
      assert.deepEqual(await payByCard(second), { fee: null, button: 'Pay 12.50 USD' });
      const p2 = await w.payment(second);
      assert.deepEqual([p2.feeMinor, p2.feePaidBy], [31, 'merchant']);
      assert.deepEqual((await integrationBalances(deps, w.integrationId)).map((b) => [b.availableMinor, b.feesMinor]), [[1_250 + 1_219, 62]]);
      assert.equal((await verifyLedger(deps)).ok, true);
    });
  });
}
