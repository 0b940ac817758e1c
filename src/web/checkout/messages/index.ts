import type { CustomerLanguage } from '../../../http/customer-money.js';
import type { DialectName } from '../../../services/notify/formatter.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { Messages } from './types.js';
import { pl } from './pl.js';

export type { Messages } from './types.js';

export const CATALOGUES: Record<CustomerLanguage, Messages> = { en, fr, pl };

/**
 * The language a gateway's own hosted pages speak (PayDunya's are French, the Paynow.pl paywall is
 * Polish); null where the customer's browser decides (Accept-Language among ours, else English).
 */
const WIRE_LANGUAGE: Record<DialectName, CustomerLanguage | null> = { tollgate: null, paynow_zw: null, paynow_pl: 'pl', paydunya: 'fr' };

/** The first of the browser's languages that we speak, by its primary tag and in its order of preference. */
export function acceptedLanguage(header: string | undefined): CustomerLanguage | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const l of ranked) if (l.tag === 'en' || l.tag === 'fr' || l.tag === 'pl') return l.tag;
  return null;
}

/** The catalogue for a page: the wire's language when it has one, else the browser's, else English. */
export function messagesFor(dialect: string | null, acceptLanguage: string | undefined): Messages {
  const wire = dialect !== null && dialect in WIRE_LANGUAGE ? WIRE_LANGUAGE[dialect as DialectName] : null;
  return CATALOGUES[wire ?? acceptedLanguage(acceptLanguage) ?? 'en'];
}
