/**
 * The checkout speaks the customer's language over HTTP: French on PayDunya invoices (with the
 * invoice's store name, escaped, and FCFA amounts), the browser's language among ours elsewhere,
 * English otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkoutPath } from '../../src/services/payments/queries.js';
import { type Shop, startShop } from '../dialects/paydunya/harness.js';
import { testDatabases } from '../helpers/dbs.js';
import { startWorld, Visitor, type World } from './world.js';

const page = async (base: string, path: string, acceptLanguage?: string) => {
  const res = await fetch(`${base}${path}`, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
  return { status: res.status, html: await res.text() };
};

for (const kind of testDatabases()) {
  describe(`the checkout's language over HTTP on ${kind}`, () => {
    let w: World;
    let shop: Shop;
    before(async () => {
      [w, shop] = await Promise.all([startWorld(kind), startShop(kind)]);
    });
    after(async () => {
      await Promise.all([w.stop(), shop.stop()]);
    });

    test('a Tollgate payment follows Accept-Language among English, French and Polish; anything else is English', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const path = await w.at(id);
      const fr = await page(w.s.url, path, 'fr-CA,fr;q=0.9,en;q=0.5');
      assert.match(fr.html, /<html lang="fr">/);
      assert.match(fr.html, /id="methods-h">Comment souhaitez-vous payer \?</);
      assert.match(fr.html, /Annuler le paiement/);
      const pl = await page(w.s.url, path, 'de-DE,pl;q=0.8');
      assert.match(pl.html, /<html lang="pl">/);
      assert.match(pl.html, /Anuluj płatność/);
      for (const header of ['de-DE', 'fr;q=0, es', undefined]) {
        const en = await page(w.s.url, path, header);
        assert.match(en.html, /<html lang="en">/, String(header));
        assert.match(en.html, /How would you like to pay\?/);
      }
      const missing = await page(w.s.url, `/pay/${id}`, 'fr');
      assert.equal(missing.status, 404);
      assert.match(missing.html, /Paiement introuvable/);
    });

    test('a PayDunya invoice is in French whatever the browser, shows its store name escaped and its amount in FCFA', async () => {
      const token = await shop.createInvoice({
        invoice: { total_amount: 1_400_000, description: 'Ordinateur', items: { item_0: { name: 'Ordinateur Lenovo L440', quantity: 1, unit_price: 1_400_000, total_price: 1_400_000 } } },
        store: { name: 'Boutique <b>Ndèye</b> & Fils' },
      });
      const p = await shop.payment(token);
      const r = await page(shop.url, checkoutPath(p), 'en-US,en;q=0.9');
      assert.equal(r.status, 200);
      assert.match(r.html, /<html lang="fr">/);
      assert.match(r.html, /<p class="co-merchant">Boutique &#60;b&#62;Ndèye&#60;\/b&#62; &#38; Fils<\/p>/);
      assert.doesNotMatch(r.html, /<b>Ndèye/);
      assert.match(r.html, /id="amount">1 400 000 FCFA</);
      assert.match(r.html, /<td class="co-num">1 400 000<\/td>/);
      assert.doesNotMatch(r.html, /XOF/);
      assert.match(r.html, /Comment souhaitez-vous payer/);
      const v = new Visitor(shop.url);
      await v.get(checkoutPath(p));
      const refused = await v.post(checkoutPath(p, 'pay'), { method: 'wallet', customer: '' });
      assert.match(refused.html, /saisissez l.*adresse e-mail ou le numéro de téléphone de votre portefeuille/);
    });
  });
}
