/**
 * The checkout in Chromium on a 360 px phone: long item rows stay apart (measured as the boxes of
 * their text), and the page speaks the customer's language.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { browserSuite, chromiumWorld, horizontalOverflow } from './browser.js';

/** Each item row's cells as the boxes of their text (left, right), read by the page itself. */
const ROW_TEXT_BOXES = `JSON.stringify([...document.querySelectorAll('.co-items tbody tr')].map((tr) => [...tr.children].map((td) => {
  const range = document.createRange();
  range.selectNodeContents(td);
  const b = range.getBoundingClientRect();
  return { text: td.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom };
})))`;

interface TextBox {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const overlapOrTouch = (a: TextBox, b: TextBox, gap: number) => a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom && b.top < a.bottom;

for (const kind of testDatabases()) {
  describe(`the checkout's layout and language in Chromium on ${kind}`, browserSuite(), () => {
    const cw = chromiumWorld(kind, { enabledMethods: ['card', 'mobile_money', 'wallet'] });

    test('at 360 px, the name, quantity and amount of a long item row do not run together', async () => {
      const id = await cw.w.payDirect({
        currency: 'XOF',
        amountMinor: 1_400_000 + 1_400_000,
        testCheckout: 'open',
        items: [
          { name: 'Ordinateur Lenovo L440', quantity: 1, unitMinor: 1_400_000 },
          { name: 'Souris', quantity: 1_400_000, unitMinor: 1 },
          { name: 'Câble HDMI extra-long pour les grandes salles de conférence', quantity: 1, unitMinor: 0 },
        ],
      });
      const tab = await cw.tab();
      await tab.page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      const rows = JSON.parse(await tab.page.evaluate<string>(ROW_TEXT_BOXES)) as TextBox[][];
      assert.equal(rows.length, 3);
      for (const cells of rows) {
        for (let i = 0; i < cells.length; i++) {
          for (let j = i + 1; j < cells.length; j++) {
            const [a, b] = [cells[i] as TextBox, cells[j] as TextBox];
            assert.ok(!overlapOrTouch(a, b, 6), `"${a.text}" and "${b.text}" run together: ${JSON.stringify([a, b])}`);
          }
        }
        for (const c of cells) assert.ok(c.right <= 360, `"${c.text}" fits the screen`);
      }
      assert.equal(await horizontalOverflow(tab.page), 0);
    });

    test("a browser that prefers Polish gets the page in Polish; one that prefers German gets English", async () => {
      const id = await cw.w.payDirect({ currency: 'USD', amountMinor: 1250, testCheckout: 'open' });
      const polish = await cw.tab({ locale: 'pl-PL' });
      await polish.page.goto(`${cw.w.s.url}${await cw.w.at(id)}`);
      assert.equal(await polish.page.getAttribute('html', 'lang'), 'pl');
      assert.equal(await polish.page.locator('#methods-h').textContent(), 'Jak chcesz zapłacić?');
      await polish.page.getByRole('button', { name: 'Anuluj płatność' }).click();
      await polish.page.waitForURL(/\/cancel/);
      const german = await cw.tab({ locale: 'de-DE' });
      await german.page.goto(`${cw.w.s.url}${await cw.w.at(await cw.w.payDirect({ testCheckout: 'open' }))}`);
      assert.equal(await german.page.getAttribute('html', 'lang'), 'en');
      assert.equal(await german.page.locator('#methods-h').textContent(), 'How would you like to pay?');
    });
  });
}
