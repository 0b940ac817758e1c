/**
 * The PayDunya receipt at its .pdf address is a real PDF: it parses, and its text holds the store's
 * name, the invoice, a readable French date, every item and the total in FCFA.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, type PDFRef } from 'pdf-lib';
import { completeTestPayment } from '../../src/services/sandbox/controls.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Shop, startShop } from '../dialects/paydunya/harness.js';

/** The text a PDF draws with the standard fonts: the hex strings of its Tj operators, decoded. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r as PDFRef)) : [contents];
    for (const s of streams) {
      if (!(s instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) parts.push(Buffer.from(m[1] ?? '', 'hex').toString('latin1'));
    }
  }
  return parts.join('\n');
}

for (const kind of testDatabases()) {
  describe(`the PayDunya receipt PDF on ${kind}`, () => {
    let s: Shop;
    before(async () => {
      s = await startShop(kind, { clockStart: Date.UTC(2026, 11, 4, 15, 51, 30) });
    });
    after(async () => {
      await s.stop();
    });

    test('a completed invoice has a PDF receipt with its store, items, total and a readable date', async () => {
      const token = await s.createInvoice({
        invoice: {
          total_amount: 1_412_000,
          description: 'Matériel de bureau',
          items: { item_0: { name: 'Ordinateur Lenovo L440', quantity: 1, unit_price: 1_400_000, total_price: 1_400_000 }, item_1: { name: 'Souris sans fil', quantity: 2, unit_price: 6_000, total_price: 12_000 } },
        },
        store: { name: 'Boutique Ndèye & Fils' },
      });
      const p = await s.payment(token);
      await completeTestPayment(s.deps, s.merchantId, p.id, 'paid');
      const done = await s.confirm(token);
      const res = await fetch(done.receipt_url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
      const text = await pdfText(bytes);
      for (const expected of ['Boutique Ndèye & Fils', token, '4 décembre 2026 15:51', 'Ordinateur Lenovo L440', '1 400 000', 'Souris sans fil', '12 000', '1 412 000 FCFA']) {
        assert.ok(text.includes(expected), `the receipt says "${expected}":\n${text}`);
      }
    });
  });
}
