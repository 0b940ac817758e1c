/**
 * The dashboard driven in Debian's Chromium against the real gateway, per database: one server and one
 * browser per database, the flows in order (each builds on the last). Screenshots of each main page at
 * 1280 and 360 px go to test-artifacts/dashboard/; axe-core finds no serious or critical violation on them.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { createOperator, registerMerchant } from '../../src/services/merchants/accounts.js';
import { browserSuite, launchChromium } from '../checkout/browser.js';
import { ARTIFACTS, inspectPage, logIn, newTab, type Tab } from './dashboard.js';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'a long dashboard password 1';

for (const kind of testDatabases()) {
  describe(`the dashboard in Chromium on ${kind}`, browserSuite(), () => {
    let s: TestServer;
    let browser: Browser;
    const tabs: Tab[] = [];
    const alice = { email: `alice-${kind}@shop.test`, company: 'Alice Shop' };
    const state = { integrationId: '', paymentId: '' };

    before(async () => {
      s = await startTestServer(kind);
      browser = await launchChromium();
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => {
      for (const t of tabs) await t.context.close().catch(() => undefined);
      await browser?.close();
      await s?.stop();
    });
    const tab = async (options?: { width?: number; bypassCSP?: boolean }) => {
      const t = await newTab(browser, options);
      tabs.push(t);
      return t;
    };

    test('sign up, verify the mailed link, log in: home with the test/live switch', async () => {
      const { page, problems } = await tab();
      await page.goto(`${s.url}/signup`);
      await page.getByLabel('Email', { exact: true }).fill(alice.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Company name').fill(alice.company);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

      const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: alice.email })).find((m) => m.kind === 'verify_email');
      const link = /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/.exec(mail?.body ?? '')?.[0];
      assert.ok(link, `a verification link in ${mail?.body}`);
      await page.goto(link.replace(/^https?:\/\/[^/]+/, s.url));
      assert.match(await page.locator('body').innerText(), /verified/i);

      await logIn(page, s.url, alice.email, PASSWORD);
      await page.getByText('Test mode: you are looking at test data').waitFor();
      await page.getByRole('radio', { name: 'Live' }).check();
      await page.getByRole('heading', { name: 'Balances (live)' }).waitFor();
      assert.equal(await page.getByText('Test mode: you are looking at test data').count(), 0, 'the band goes in live mode');
      await page.getByRole('radio', { name: 'Test' }).check();
      await page.getByRole('link', { name: 'Integrations' }).click();
      await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
      assert.equal(await page.getByRole('radio', { name: 'Test' }).isChecked(), true, 'the switch is on every page');
      assert.deepEqual(problems, []);
    });

    test('create an integration: keys shown once with SDK snippets; email them, generate new ones, edit settings', async () => {
      const { page, problems } = await tab();
      await logIn(page, s.url, alice.email, PASSWORD);
      await page.goto(`${s.url}/integrations/new`);
      await page.getByLabel('Name').fill('Web shop');
      await page.getByLabel('Notification email').fill('orders@shop.test');
      await page.getByRole('button', { name: 'Create integration' }).click();
      await page.getByRole('heading', { name: 'Web shop is ready' }).waitFor();
      const creds = await page.locator('.creds').innerText();
      assert.match(creds, /paynowZw\.integrationKey\s+[0-9a-f-]{36}/);
      await page.getByText('Paynow Zimbabwe: Node.js (npm paynow)').click();
      assert.match(await page.locator('pre').first().innerText(), new RegExp(`${s.url.replace(/[.:/]/g, '\\$&')}/interface/initiatetransaction`));
      await page.getByRole('link', { name: /I have saved them/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Web shop' }).waitFor();
      state.integrationId = page.url().split('/').pop()!;
      assert.match(state.integrationId, /^int_/);
      assert.equal(await page.locator('.creds').count(), 0, 'keys are not shown again');

      await page.getByRole('button', { name: 'Email Key To Company Address' }).click();
      await page.getByText('Sent to your company address.').waitFor();
      await page.getByLabel('Old keys stop working').selectOption('3600');
      await page.getByRole('button', { name: 'Generate New Key' }).click();
      await page.getByRole('button', { name: 'Yes, generate new keys' }).click();
      await page.getByText('New keys generated and emailed').waitFor();

      await page.getByLabel('Notification URL').fill('https://shop.test/paynow/result');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved.').waitFor();
      await page.reload();
      assert.equal(await page.getByLabel('Notification URL').inputValue(), 'https://shop.test/paynow/result');
      assert.deepEqual(problems, []);
    });

    test('payments: the list, the detail, sandbox buttons, a partial refund', async () => {
      const api = new ApiClient(s.url);
      assert.equal((await api.login(alice.email, PASSWORD)).status, 200);
      const created = await api.post(`/api/integrations/${state.integrationId}/payments`, { amount: 2500, currency: 'USD', reference: 'ORDER-77' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      state.paymentId = created.body.payment.id;

      const { page, problems } = await tab();
      await logIn(page, s.url, alice.email, PASSWORD);
      await page.getByRole('link', { name: 'Payments', exact: true }).click();
      await page.getByRole('link', { name: 'ORDER-77' }).click();
      await page.getByRole('heading', { level: 1, name: /ORDER-77/ }).waitFor();
      await page.getByRole('button', { name: 'Mark paid' }).click();
      await page.locator('.pairs .state-paid').waitFor();
      await page.getByLabel(/Amount to refund/).fill('5.00');
      await page.getByRole('button', { name: 'Refund' }).click();
      await page.getByText('Refund created.').waitFor();
      // The list is fetched again after the write: wait for it rather than read the old one.
      await page.locator('#refunds-h + *').getByText(/5\.00 USD/).first().waitFor();
      assert.match(await page.locator('#refunds-h + *').innerText(), /5\.00 USD/);
      assert.match(await page.locator('.timeline').innerText(), /v1[\s\S]*v2/);

      await page.goto(`${s.url}/payments`);
      await page.getByLabel('State').selectOption('created');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('No payments match.').waitFor();
      assert.deepEqual(problems, []);
    });

    test('request to go live; an operator refuses with a reason the merchant reads', async () => {
      const merchant = await tab();
      await logIn(merchant.page, s.url, alice.email, PASSWORD);
      await merchant.page.goto(`${s.url}/integrations/${state.integrationId}`);
      await merchant.page.getByRole('button', { name: 'Request to be Set Live' }).click();
      await merchant.page.getByText(/requested .*waiting for an operator/).waitFor();

      await createOperator(s.app.deps, `ops-${kind}@tollgate.test`, PASSWORD);
      const op = await tab();
      await logIn(op.page, s.url, `ops-${kind}@tollgate.test`, PASSWORD, true);
      await op.page.getByRole('heading', { name: 'Web shop' }).waitFor();
      await op.page.getByLabel('Reason for refusing Web shop (the merchant reads it)').fill('Add a returns policy to your site.');
      await op.page.getByRole('button', { name: 'Reject' }).click();
      await op.page.getByText('No requests are waiting.').waitFor();

      await merchant.page.reload();
      await merchant.page.getByText(/refused .*Add a returns policy to your site\./).waitFor();
      assert.deepEqual([...merchant.problems, ...op.problems], []);
    });

    test('merchant B sees none of A\'s data, and the operator pages refuse a merchant', async () => {
      await registerMerchant(s.app.deps, { email: `bob-${kind}@shop.test`, password: PASSWORD, companyName: 'Bob Shop' }, { verified: true });
      const { page } = await tab();
      await logIn(page, s.url, `bob-${kind}@shop.test`, PASSWORD);
      await page.goto(`${s.url}/integrations`);
      await page.getByText('No integrations yet').waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /Web shop/);
      await page.goto(`${s.url}/payments/${state.paymentId}`);
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /not found/i);
      assert.doesNotMatch(await page.locator('main').innerText(), /ORDER-77/);
      await page.goto(`${s.url}/integrations/${state.integrationId}`);
      await page.getByRole('alert').waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /Web shop/);
      await page.goto(`${s.url}/operators`);
      await page.getByRole('alert').first().waitFor();
      assert.match(await page.getByRole('alert').first().innerText(), /operators/i);
      assert.doesNotMatch(await page.locator('main').innerText(), /Alice Shop|alice-/);
    });

    test('a locked account is told what to do; password reset, change and log out', async () => {
      const lockedEmail = `locked-${kind}@shop.test`;
      await registerMerchant(s.app.deps, { email: lockedEmail, password: PASSWORD, companyName: 'Locked' }, { verified: true });
      const api = new ApiClient(s.url);
      for (let n = 0; n < 10; n++) await api.login(lockedEmail, 'not the password at all');
      const { page } = await tab();
      await page.goto(`${s.url}/login`);
      await page.getByLabel('Email').fill(lockedEmail);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /locked[\s\S]*reset your password/i);

      await alert.getByRole('link', { name: 'reset your password' }).click();
      await page.getByLabel('Email').fill(lockedEmail);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page.getByText(/a link to choose a new password is on its way/).waitFor();
      const mails = await listOutbox(s.store.db, s.app.deps.keyring, { to: lockedEmail });
      assert.ok(mails.some((m) => /\/reset-password\?token=/.test(m.body)), 'the reset link was mailed');

      await logIn(page, s.url, alice.email, PASSWORD);
      await page.goto(`${s.url}/settings`);
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByLabel('New password').fill(`${PASSWORD} changed`);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed.').waitFor();
      await page.getByRole('button', { name: 'Log out' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await page.goto(`${s.url}/payments`);
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      alice.company = 'changed';
      await logIn(page, s.url, alice.email, `${PASSWORD} changed`);
    });

    test('each main page at 1280 and 360 px: a screenshot, no serious axe violation, nothing wider than a phone', async () => {
      const pages: [string, string, boolean][] = [
        ['home', '/', false],
        ['integrations', '/integrations', false],
        ['integration', `/integrations/${state.integrationId}`, false],
        ['payments', '/payments', false],
        ['payment', `/payments/${state.paymentId}`, false],
        ['developers', '/developers', false],
        ['money', '/money', false],
        ['settings', '/settings', false],
        ['operators', '/operators', true],
      ];
      const found: string[] = [];
      for (const width of [1280, 360]) {
        const merchant = await tab({ width, bypassCSP: true });
        await logIn(merchant.page, s.url, alice.email, `${PASSWORD} changed`);
        const op = await tab({ width, bypassCSP: true });
        await logIn(op.page, s.url, `ops-${kind}@tollgate.test`, PASSWORD, true);
        const login = await tab({ width, bypassCSP: true });
        await login.page.goto(`${s.url}/login`);
        await login.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
        for (const [name, path, operator] of [['login', '/login', false] as [string, string, boolean], ...pages]) {
          const page = name === 'login' ? login.page : operator ? op.page : merchant.page;
          if (name !== 'login') {
            await page.goto(`${s.url}${path}`);
            await page.locator('main h1').waitFor();
            await page.waitForLoadState('networkidle');
          }
          found.push(...(await inspectPage(page, `${kind}-${name}`, width)));
        }
      }
      assert.deepEqual(found, []);
    });
  });
}
