/**
 * One CSV cell (RFC 4180). Text a spreadsheet would run as a formula (starting with = + - @, tab or
 * carriage return) gets a leading apostrophe, unless it is a plain number: references, names and
 * account holders are merchant or customer text.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A plain signed number (a phone number, a debit) is no formula; mangling it would corrupt a bank file.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (cells: ReadonlyArray<string | number | null>): string => `${cells.map(csvCell).join(',')}\r\n`;
