import type { PDFFont } from 'pdf-lib';
import type { Currency } from '../core/money.js';
import { customerAmount, customerNumber } from './customer-money.js';

/** What a payment receipt says; every string is the merchant's or the customer's, drawn as text only. */
export interface Receipt {
  storeName: string;
  invoice: string;
  description: string;
  items: ReadonlyArray<{ name: string; quantity: number; unitMinor: number }>;
  totalMinor: number;
  currency: Currency;
  paidBy: string;
  paidAt: number | null;
  test: boolean;
  url: string;
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** "4 décembre 2026 15:51", in GMT (the time of Dakar and Abidjan). */
export function frenchDateTime(at: number): string {
  const d = new Date(at);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hh}:${mm}`;
}

/** The standard fonts encode WinAnsi only: anything else is drawn as "?" rather than failing the receipt. */
function drawable(font: PDFFont, text: string): string {
  let out = '';
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += '?';
    }
  }
  return out;
}

/** Cuts a line to the width left for it, with an ellipsis. */
function fitted(font: PDFFont, size: number, text: string, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 0 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The receipt as a one-page A4 PDF in French (PayDunya's language). Content streams are left
 * uncompressed and without object streams, so its text can be read back plainly.
 */
export async function receiptPdf(r: Receipt): Promise<Uint8Array> {
  // Loaded on the first receipt: pdf-lib is the heaviest import, and every process start would pay it.
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  doc.setTitle(`Reçu ${r.invoice}`);
  doc.setCreator('Tollgate');
  const page = doc.addPage([595.28, 841.89]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const left = 56;
  const right = 595.28 - 56;
  let y = 780;
  const line = (text: string, opts: { size?: number; font?: PDFFont; x?: number; width?: number; alignRight?: boolean } = {}) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 11;
    const width = opts.width ?? right - left;
    const shown = fitted(font, size, drawable(font, text), width);
    const x = opts.alignRight ? (opts.x ?? right) - font.widthOfTextAtSize(shown, size) : (opts.x ?? left);
    page.drawText(shown, { x, y, size, font });
  };
  line(r.storeName, { size: 18, font: bold });
  y -= 26;
  line(r.test ? 'Reçu de paiement (TEST : aucun argent réel)' : 'Reçu de paiement', { size: 13 });
  y -= 30;
  for (const [label, value] of [
    ['Facture', r.invoice],
    ['Payé le', r.paidAt === null ? '' : frenchDateTime(r.paidAt)],
    ['Payé par', r.paidBy],
    ['Description', r.description],
  ] as const) {
    if (value === '') continue;
    line(label, { font: bold, width: 100 });
    line(value, { x: left + 110, width: right - left - 110 });
    y -= 18;
  }
  y -= 14;
  line('Article', { font: bold });
  line('Qté', { font: bold, x: right - 150, alignRight: true });
  line('Montant', { font: bold, alignRight: true });
  y -= 18;
  for (const it of r.items.slice(0, 30)) {
    const total = it.quantity * it.unitMinor;
    line(it.name, { width: right - left - 230 });
    line(String(it.quantity), { x: right - 150, alignRight: true, width: 70 });
    line(Number.isSafeInteger(total) ? customerNumber(total, r.currency, 'fr') : '', { alignRight: true, width: 140 });
    y -= 16;
  }
  y -= 10;
  page.drawLine({ start: { x: left, y: y + 8 }, end: { x: right, y: y + 8 }, thickness: 0.5 });
  y -= 10;
  line('Total', { font: bold, size: 13 });
  line(customerAmount(r.totalMinor, r.currency, 'fr'), { font: bold, size: 13, alignRight: true });
  y -= 40;
  line(r.url, { size: 8 });
  return doc.save({ useObjectStreams: false });
}
