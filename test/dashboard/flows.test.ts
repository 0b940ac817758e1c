import { asId, type MerchantId } from '../../src/core/ids.js';
/**
 * The dashboard's money, developer, payment, operator and sandbox flows in Debian's Chromium against the
 * real gateway, per database: one server, one browser and one merchant per database, the state made
 * through the services and the API, every action through the pages. Each page with its data is
 * screenshotted at 1280 and 360 px (test-artifacts/dashboard/) and checked by axe-core.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createOperator, registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration, requireActiveIntegration } from '../../src/services/merchants/integrations.js';
import { runPayouts } from '../../src/services/money/payout-run.js';
import { createPayment } from '../../src/services/payments/create.js';
import { transitionPayment } from '../../src/services/payments/transition.js';
import { browserSuite, launchChromium } from '../checkout/browser.js';
import { zwForm } from '../dialects/shared/shop.js';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import type { TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { advance, makeLive } from '../payments/fixture.js';
import { ARTIFACTS, inspectPage, logIn, newTab, type Tab } from './dashboard.js';

const PASSWORD = 'a long dashboard password 2';
/** A table the dashboard shows (DataTable), by its caption. */
const table = (page: Page, caption: string) => page.locator(`.table-wrap[aria-label="${caption}"]`);
/** Minor units of USD as the dashboard writes them, as a pattern. */
const usd = (minor: number) => `${Math.floor(minor / 100).toLocaleString('en')}\\.${String(minor % 100).padStart(2, '0')} USD`;

for (const kind of testDatabases()) {
  describe(`dashboard flows in Chromium on ${kind}`, browserSuite(), () => {
    let s: TestServer;
    let browser: Browser;
    let rx: Receiver;
    let api: ApiClient;
    const tabs: Tab[] = [];
    const dana = { email: `dana-${kind}@shop.test`, id: '' as MerchantId };
    const ops = `ops-flows-${kind}@tollgate.test`;
    const state = { integrationId: '', zwId: 0, liveId: '', paid: [] as string[] };

    /** A test payment of the integration, paid through the sandbox (its notification is queued). */
    async function paidPayment(amount: number, reference: string): Promise<string> {
      const created = await api.post(`/api/integrations/${state.integrationId}/payments`, { amount, currency: 'USD', reference, customer: { email: 'payer@example.test' } });
      assert.equal(created.status, 201, created.text);
      const done = await api.post(`/api/payments/${created.body.payment.id}/sandbox/complete`, { outcome: 'paid' });
      assert.equal(done.status, 200, done.text);
      return created.body.payment.id;
    }

    before(async () => {
      s = await startTestServer(kind);
      browser = await launchChromium();
      rx = await startReceiver();
      mkdirSync(ARTIFACTS, { recursive: true });
      const deps = s.app.deps;
      dana.id = (await registerMerchant(deps, { email: dana.email, password: PASSWORD, companyName: 'Dana Shop' }, { verified: true })).merchant.id;
      await createOperator(deps, ops, PASSWORD);
      const created = await createIntegration(deps, dana.id, { name: 'Dana web', notificationUrl: rx.url }, { kind: 'system', id: null });
      state.integrationId = created.integration.id;
      state.zwId = created.integration.paynowZwIntegrationId;
      api = new ApiClient(s.url);
      assert.equal((await api.login(dana.email, PASSWORD)).status, 200);
      // Two payments paid out together, then one after the payout: a balance, ledger entries, a payout settling two payments.
      state.paid.push(await paidPayment(2_500, 'ORDER-1'), await paidPayment(1_500, 'ORDER-2'));
      assert.equal((await runPayouts(deps)).started, 1);
      await advance(s, 0);
      state.paid.push(await paidPayment(4_000, 'ORDER-3'));
      await advance(s, 0);
      await rx.waitFor(3);
    });
    after(async () => {
      for (const t of tabs) await t.context.close().catch(() => undefined);
      await browser?.close();
      await rx?.close();
      await s?.stop();
    });
    const tab = async (width = 1280, bypassCSP = false) => {
      const t = await newTab(browser, { width, bypassCSP });
      tabs.push(t);
      return t;
    };
    const merchantTab = async (width = 1280) => {
      const t = await tab(width);
      await logIn(t.page, s.url, dana.email, PASSWORD);
      return t;
    };

    /** Each page at 1280 and 360 px: screenshot and axe; the check runs on what the page shows after `ready`. */
    async function inspectEverywhere(operator: boolean, pages: [string, string, (p: Page) => Promise<unknown>][]): Promise<void> {
      const found: string[] = [];
      for (const width of [1280, 360]) {
        // axe-core is injected as a script: only these tabs let it past the Content-Security-Policy.
        const t = await tab(width, true);
        await logIn(t.page, s.url, operator ? ops : dana.email, PASSWORD, operator);
        for (const [name, path, ready] of pages) {
          await t.page.goto(`${s.url}${path}`);
          await ready(t.page);
          found.push(...(await inspectPage(t.page, `${kind}-flows-${name}`, width)));
        }
      }
      assert.deepEqual(found, []);
    }

    test('money: balances, ledger entries, a payout with the payments it settles; the schedule form shows the API\'s field error, then saves', async () => {
      const { page, problems } = await merchantTab();
      await page.getByRole('link', { name: 'Money' }).click();
      await page.getByRole('heading', { level: 1, name: 'Money' }).waitFor();
      const balance = (await api.get(`/api/integrations/${state.integrationId}/balances`)).body.data.find((b: { mode: string }) => b.mode === 'test');
      assert.ok(balance.available > 0, 'the payment after the payout is available');
      const card = page.locator('.card', { hasText: 'USD available' });
      await card.waitFor();
      assert.match(await card.innerText(), new RegExp(`${usd(balance.available)}[\\s\\S]*pending ${usd(balance.pending)}[\\s\\S]*in transit ${usd(balance.inTransit)}`));
      const ledger = table(page, 'Ledger entries');
      await ledger.waitFor();
      assert.match(await ledger.innerText(), /payout[\s\S]*payment/);
      assert.match(await ledger.innerText(), new RegExp(state.paid[2]!));

      const [po] = (await api.get(`/api/integrations/${state.integrationId}/payouts`)).body.data;
      const detail = (await api.get(`/api/integrations/${state.integrationId}/payouts/${po.id}`)).body;
      const payouts = table(page, 'Payouts');
      assert.match(await payouts.innerText(), new RegExp(`${usd(po.amount)}\\s+${po.status}`));
      await payouts.getByRole('button', { name: /Show payments/ }).click();
      const settles = page.locator('.card', { hasText: 'settles 2 payments' });
      await settles.waitFor();
      for (const p of detail.payments) {
        assert.ok(state.paid.slice(0, 2).includes(p.paymentId), 'it settles the two payments made before it');
        assert.match(await settles.getByRole('listitem').filter({ has: page.getByRole('link', { name: p.paymentId }) }).innerText(), new RegExp(usd(p.amount)));
      }

      await page.getByLabel('Daily (00:00 UTC)').check();
      await page.getByLabel('Minimum amount').fill('50.00');
      await page.getByLabel('Mobile money').check();
      await page.getByLabel("Account holder's name").fill('Dana Moyo');
      await page.getByLabel('Mobile-money operator').fill('ecocash');
      await page.getByLabel('Mobile-money number').fill('0771234567');
      await page.getByRole('button', { name: 'Save payout schedule' }).click();
      const phoneError = page.locator('.field', { has: page.getByLabel('Mobile-money number') }).locator('.field-error');
      await phoneError.waitFor();
      assert.match(await phoneError.innerText(), /\+/, 'the API says the number needs the international form');
      assert.equal(await page.getByLabel('Mobile-money number').getAttribute('aria-invalid'), 'true');
      assert.equal((await api.get('/api/payout-settings')).status, 404, 'nothing was saved');

      await page.getByLabel('Mobile-money number').fill('+263771234567');
      await page.getByRole('button', { name: 'Save payout schedule' }).click();
      await page.getByText('Payout schedule saved.').waitFor();
      const saved = await api.get('/api/payout-settings');
      assert.equal(saved.status, 200, saved.text);
      assert.deepEqual([saved.body.frequency, saved.body.minimums, saved.body.account.phone], ['daily', [{ currency: 'USD', amount: 5_000 }], '+263771234567']);
      await page.reload();
      await page.getByText(/Now: daily at 00:00 UTC/).waitFor();
      assert.equal(await page.getByLabel('Mobile money').isChecked(), true);
      assert.equal(await page.getByLabel('Mobile-money number').inputValue(), '+263771234567');
      assert.deepEqual(problems, []);
    });

    test('developers: a failed hash explained to the byte, endpoint health, the sandbox clock, a fictitious customer, an API token', async () => {
      const pairs: [string, string][] = [['id', String(state.zwId)], ['reference', 'DBG 7'], ['amount', '10.50'], ['additionalinfo', 'A&B'], ['returnurl', 'http://127.0.0.1:9/r'], ['resulturl', 'http://127.0.0.1:9/s'], ['status', 'Message']];
      const hash = createHash('sha512').update(pairs.map(([, v]) => v).join('') + randomUUID()).digest('hex').toUpperCase();
      const sent = await fetch(`${s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwForm([...pairs, ['hash', hash]]) });
      assert.match(await sent.text(), /status=Error/);

      const { page, problems } = await merchantTab();
      await page.getByRole('link', { name: 'Developers' }).click();
      const entry = page.locator('.log details', { hasText: 'signature failed' }).first();
      await entry.locator('summary').click();
      const diagnosis = entry.locator('.diagnosis');
      await diagnosis.waitFor();
      const text = await diagnosis.innerText();
      assert.match(text, /wrong key/);
      assert.match(text, new RegExp(`The string we hashed\\s+${state.zwId}DBG 710\\.50A&B`));
      assert.match(text, /First differing byte\s+at offset \d+: ours 0x[0-9a-f]{2}, yours 0x[0-9a-f]{2}/);
      assert.ok(text.includes(hash), 'their value is shown');

      const health = table(page, 'Endpoint health');
      await health.waitFor();
      assert.match(await health.innerText(), new RegExp(`${rx.url.replace(/[.:/]/g, '\\$&')}\\s+[1-9]\\d*\\s+0\\s+0\\s+healthy`));

      await page.getByLabel('Advance by').selectOption('3600');
      await page.getByRole('button', { name: 'Advance clock' }).click();
      await page.getByText(/The clock is 3600 s ahead/).waitFor();

      const customers = page.locator('section', { has: page.getByRole('heading', { name: 'Fictitious customers' }) });
      await customers.getByLabel('Name').fill('Tendai');
      await customers.getByLabel('Email').fill('tendai@example.test');
      await customers.getByLabel('Phone').fill('+263772000111');
      await customers.getByLabel('Starting balance').fill('12.50');
      await customers.getByRole('button', { name: 'Create customer' }).click();
      const row = customers.getByRole('row', { name: /Tendai/ });
      await row.getByText('12.50 USD').waitFor();
      await row.getByRole('button', { name: /Add 100\.00 USD to Tendai/ }).click();
      await row.getByText('112.50 USD').waitFor();

      await page.getByLabel('New token name').fill('ci');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = /tg_[A-Za-z0-9_-]+/.exec(await page.getByText(/Copy it now/).innerText())?.[0];
      assert.ok(token, 'the token is shown once');
      assert.equal((await fetch(`${s.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status, 200, 'the new token works');
      await page.getByRole('row', { name: /^ci / }).waitFor();
      assert.deepEqual(problems, []);
    });

    test("a payment's notification redelivered and a refund; the payments CSV export", async () => {
      const { page, problems } = await merchantTab();
      const id = state.paid[2]!;
      await page.goto(`${s.url}/payments/${id}`);
      await page.getByRole('heading', { level: 1, name: /ORDER-3/ }).waitFor();
      const before = rx.received.length;
      await page.getByRole('button', { name: 'Redeliver' }).first().click();
      await page.getByText(/Sent again/).waitFor();
      await advance(s, 0);
      const got = await rx.waitFor(before + 1);
      assert.ok(got.slice(before).some((r) => r.body.includes(id)), 'the notification of this payment went again');
      await page.reload();
      await page.getByText(/Attempt 2 at/).first().waitFor();

      await page.getByLabel(/Amount to refund/).fill('4.00');
      await page.getByRole('button', { name: 'Refund' }).click();
      await page.getByText('Refund created.').waitFor();
      await page.locator('#refunds-h + *').getByText(/4\.00 USD/).first().waitFor();

      await page.goto(`${s.url}/payments`);
      await page.getByRole('link', { name: 'ORDER-1' }).waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
      const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
      assert.match(csv[0]!, /^id,integration_id,mode,dialect,state,currency,amount,fee,/);
      const line = csv.find((l) => l.startsWith(id));
      assert.ok(line, `a line for ${id}`);
      assert.match(line, new RegExp(`^${id},${state.integrationId},test,tollgate,(paid|partially_refunded),USD,4000,`));
      assert.equal(csv.length, 4, 'a header and the three test payments');
      assert.deepEqual(problems, []);
    });

    test('adversarial notifications: switched on with chosen rates and saved; a live integration is refused with the API\'s message', async () => {
      const { page, problems } = await merchantTab();
      await page.goto(`${s.url}/integrations/${state.integrationId}`);
      await page.getByLabel('Inject faults into test notifications').check();
      await page.getByLabel('Duplicates (%)').fill('50');
      await page.getByLabel('Wrong signature (%)').fill('25');
      await page.getByLabel('Delay (ms)').fill('1500');
      await page.getByRole('button', { name: 'Save adversarial notifications' }).click();
      await page.getByText('Faults on: new test notifications get them.').waitFor();
      const set = await api.get(`/api/integrations/${state.integrationId}/notification-faults`);
      assert.deepEqual([set.body.rates, set.body.delayMs], [{ duplicate: 50, reorder: 0, delay: 0, wrongSignature: 25, truncatedBody: 0 }, 1500]);
      await page.reload();
      assert.equal(await page.getByLabel('Inject faults into test notifications').isChecked(), true);
      assert.equal(await page.getByLabel('Duplicates (%)').inputValue(), '50');

      const live = await createIntegration(s.app.deps, dana.id, { name: 'Dana live' }, { kind: 'system', id: null });
      state.liveId = live.integration.id;
      await makeLive({ s, api, merchantId: dana.id }, asId('integration', state.liveId));
      await page.goto(`${s.url}/integrations/${state.liveId}`);
      await page.getByLabel('Inject faults into test notifications').check();
      await page.getByLabel('Duplicates (%)').fill('10');
      await page.getByRole('button', { name: 'Save adversarial notifications' }).click();
      const refusal = page.locator('section', { has: page.getByRole('heading', { name: 'Adversarial notifications' }) }).getByRole('alert');
      await refusal.waitFor();
      assert.match(await refusal.innerText(), new RegExp(`test-mode integrations only: integration ${state.liveId} is live`));
      assert.deepEqual(problems, []);
    });

    test("operators: a fee edited, the day's payout file, a merchant disabled and refused at login, system health", async () => {
      // A live payout waiting for the bank: a live payment paid, then the operator's payout run.
      const deps = s.app.deps;
      const integration = await requireActiveIntegration(deps, dana.id, asId('integration', state.liveId));
      const { payment } = await createPayment(deps, { integration, mode: 'live', dialect: 'tollgate', amountMinor: 7_700, currency: 'USD', reference: 'LIVE-1', description: null, items: [], customer: {}, returnUrl: null, cancelUrl: null, notifyUrl: null, merchantTrace: null, validForMs: 3_600_000, testCheckout: 'merchant_only' });
      await transitionPayment(deps, payment!.id, { to: 'paid', reason: 'paid at the bank', method: 'card' });
      assert.ok((await runPayouts(deps)).started >= 1);
      const carol = `carol-${kind}@shop.test`;
      await registerMerchant(deps, { email: carol, password: PASSWORD, companyName: 'Carol Crafts' }, { verified: true });

      const { page, problems } = await tab();
      await logIn(page, s.url, ops, PASSWORD, true);
      const fees = page.locator('form', { has: page.getByRole('heading', { name: 'Set a fee' }) });
      await fees.getByLabel('Method').selectOption('ecocash');
      await fees.getByLabel('Currency').selectOption('USD');
      await fees.getByLabel('Percent of the amount').fill('3.25');
      await fees.getByLabel('Fixed part').fill('0.10');
      await fees.getByRole('button', { name: 'Save fee' }).click();
      await table(page, 'Fee schedule').getByRole('row', { name: /ecocash\s+USD\s+3\.25 %\s+0\.10 USD/ }).waitFor();

      const open = table(page, 'Open payouts');
      await open.getByText('77.00 USD').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download the payout file \(1 waiting\)/ }).click()]);
      const file = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
      assert.match(file[0]!, /^payout_id,merchant_id,integration_id,account_type,/);
      assert.match(file[1]!, new RegExp(`^po_[0-9a-z]{21},${dana.id},${state.liveId},mobile_money,ecocash,Dana Moyo,\\+263771234567,,USD,7700,`));
      assert.equal(file[2], 'TOTAL,,,,,,,,USD,7700,');
      await page.getByText('1 payout now in transit').waitFor();
      await open.getByText('in_transit').waitFor();

      await page.getByLabel('Search by email or company').fill('carol');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('button', { name: 'Disable Carol Crafts' }).click();
      await page.getByRole('button', { name: 'Enable Carol Crafts' }).waitFor();
      const refused = await tab();
      await refused.page.goto(`${s.url}/login`);
      await refused.page.getByLabel('Email').fill(carol);
      await refused.page.getByLabel('Password').fill(PASSWORD);
      await refused.page.getByRole('button', { name: 'Log in' }).click();
      await refused.page.getByRole('alert').waitFor();
      assert.match(await refused.page.getByRole('alert').innerText(), /disabled/i);

      // A minute on, the requests of this test (the API's, the wires') are in the last hour's rates.
      s.clock.advance(60_000);
      await page.reload();
      const health = page.locator('section', { has: page.getByRole('heading', { name: 'System health' }) });
      await health.getByText('Jobs waiting', { exact: true }).waitFor();
      const rates = await table(page, 'Request rates per dialect').innerText();
      for (const channel of ['paynow_zw', 'paynow_pl', 'paydunya']) assert.match(rates, new RegExp(`${channel}\\s+\\d+\\s+\\d+\\.\\d\\d\\s+\\d+ / \\d+\\s+\\d+ / \\d+`));
      assert.match(rates, /management\s+\d+\s+(?!0\.00)\d+\.\d\d\s+\d+ \/ \d+\s+\d+ \/ \d+/);
      assert.match(await table(page, 'Payments created per dialect').innerText(), /tollgate\s+[1-9]\d*\s+[1-9]\d*/);
      assert.equal(await health.locator('pre').count(), 0, 'no raw JSON');
      assert.deepEqual(problems, []);
    });

    test('each page with its data at 1280 and 360 px: a screenshot, no serious axe violation, nothing wider than a phone', async () => {
      const shown = (text: string | RegExp) => (p: Page) => p.getByText(text).first().waitFor();
      await inspectEverywhere(false, [
        ['money', `/money?integration=${state.integrationId}`, shown('USD available')],
        ['developers', `/developers?integration=${state.integrationId}`, shown('signature failed')],
        ['integration', `/integrations/${state.integrationId}`, shown('Inject faults into test notifications')],
      ]);
      await inspectEverywhere(true, [['operators', '/operators', shown('Requests per dialect')]]);
    });
  });
}
