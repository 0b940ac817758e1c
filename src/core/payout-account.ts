/**
 * Where a merchant's payouts go, and the shape each kind must have: a bank account (an IBAN when it
 * starts like one, checked by its mod-97 digits; else 6 to 34 letters and digits) or a mobile-money
 * number (E.164). Pure; the API and the CLI share it, so both refuse the same accounts.
 */
import type { FieldIssue } from './errors.js';

export type PayoutAccount =
  | { type: 'bank'; bankName: string; accountName: string; accountNumber: string; swift?: string | undefined }
  | { type: 'mobile_money'; provider: string; phone: string; accountName: string };

const IBAN_START = /^[A-Z]{2}[0-9]{2}/;

function ibanValid(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** The account as stored: spaces out of numbers, letters upper-cased. */
export function normalisePayoutAccount(a: PayoutAccount): PayoutAccount {
  if (a.type === 'bank') return { ...a, accountNumber: a.accountNumber.replace(/[\s-]/g, '').toUpperCase(), ...(a.swift && { swift: a.swift.toUpperCase() }) };
  return { ...a, phone: a.phone.replace(/[\s-]/g, '') };
}

/** What is wrong with a (normalised) account's shape, field by field under `prefix`; empty when nothing. */
export function payoutAccountIssues(a: PayoutAccount, prefix = 'account'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ path: `${prefix}.${field}`, message });
  if (a.accountName.trim() === '') bad('accountName', 'must not be empty');
  if (a.type === 'bank') {
    if (a.bankName.trim() === '') bad('bankName', 'must not be empty');
    const n = a.accountNumber;
    if (!/^[A-Z0-9]{6,34}$/.test(n)) bad('accountNumber', 'must be 6 to 34 letters and digits (an IBAN or a local account number)');
    else if (IBAN_START.test(n) && n.length >= 15 && !ibanValid(n)) bad('accountNumber', 'looks like an IBAN but its check digits are wrong');
    if (a.swift !== undefined && !/^[A-Z0-9]{8}([A-Z0-9]{3})?$/.test(a.swift)) bad('swift', 'must be an 8 or 11 character SWIFT/BIC code');
  } else {
    if (!/^\+[1-9][0-9]{7,14}$/.test(a.phone)) bad('phone', 'must be an international number: + then 8 to 15 digits');
    if (!/^[a-z0-9][a-z0-9-]{1,49}$/.test(a.provider)) bad('provider', 'must be a mobile-money operator name in lower case (e.g. ecocash, orange-money-senegal)');
  }
  return issues;
}

/** The account as a payout record shows it: its kind and the last four characters of its number. */
export function maskedDestination(a: PayoutAccount): string {
  const n = a.type === 'bank' ? a.accountNumber : a.phone;
  return `${a.type === 'bank' ? 'bank' : `mobile money (${a.provider})`} ••••${n.slice(-4)}`;
}

/** In test mode a payout to a number ending in 0000 fails at the (fictitious) bank: the sandbox's way to try a failure. */
export function testPayoutFails(a: PayoutAccount | null): boolean {
  return a !== null && (a.type === 'bank' ? a.accountNumber : a.phone).endsWith('0000');
}
