import { z } from 'zod';
import { randomAlphanumeric } from '../../core/ids.js';

/**
 * Request bodies as the official clients send them (spec §2): integers as numbers or digit strings,
 * null meaning absent, fractional quantities, unknown fields ignored. Every refusal names its dotted path.
 */
const absent = (v: unknown) => (v === null ? undefined : v);
const lenientInt = z.preprocess((v) => (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v), z.number().int());
const opt = <T extends z.ZodType>(t: T) => z.preprocess(absent, t.optional());
const str = (max: number) => z.string().max(max);
const url = (max: number) => z.string().max(max).refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v));
const email = z.string().max(50).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);

const address = z.object({
  street: opt(str(100)),
  houseNumber: opt(str(20)),
  apartmentNumber: opt(str(20)),
  zipcode: opt(str(20)),
  city: opt(str(100)),
  county: opt(str(100)),
  country: opt(z.string().regex(/^([A-Za-z]{2})?$/)),
});

export const createPaymentBody = z.object({
  amount: lenientInt,
  currency: opt(z.string()),
  externalId: str(100).min(1),
  description: str(255).min(1),
  continueUrl: opt(url(1000)),
  buyer: z.object({
    email,
    firstName: opt(str(50)),
    lastName: opt(str(50)),
    phone: opt(z.object({ prefix: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), str(5)), number: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), str(15)) })),
    locale: opt(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/)),
    externalId: opt(str(100)),
    deviceFingerprint: opt(str(1000)),
    address: opt(z.object({ billing: opt(address), shipping: opt(address) })),
  }),
  orderItems: opt(
    z
      .array(
        z.object({
          name: str(120).min(1),
          category: opt(str(100)),
          quantity: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().positive()),
          price: lenientInt.refine((n) => n >= 0),
          producer: opt(str(100)),
        }),
      )
      .max(200),
  ),
  validityTime: opt(lenientInt.refine((n) => n >= 60 && n <= 864_000)),
  paymentMethodId: opt(lenientInt),
  authorizationCode: opt(z.string().max(16)),
  paymentMethodToken: opt(str(200)),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBody>;

export const refundBody = z.object({
  amount: lenientInt,
  reason: opt(z.enum(['RMA', 'REFUND_BEFORE_14', 'REFUND_AFTER_14', 'OTHER'])),
});

export const shopUrlsBody = z.object({ continueUrl: opt(url(1000)), notificationUrl: opt(url(1000)) });

export const pluginStatusBody = z
  .array(z.object({ status: z.enum(['ENABLED', 'DISABLED', 'UNINSTALLED', 'UPDATED']), timestamp: z.string().max(40) }))
  .min(1)
  .max(20);

/** The first problem as `path: invalid field value`, with the offending value for enums (as Paynow does for currency). */
export function firstIssuePath(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? issue.path.map(String).join('.') || 'body' : 'body';
}

/** Payment and refund ids: 16 characters, XXXX-XXX-XXX-XXX, upper-case alphanumerics. */
export const ID_FORMAT = /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{3}){3}$/;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export function newWireId(first?: string): string {
  const pick = (n: number) => randomAlphanumeric(n, UPPER);
  const head = first ? `${first}${pick(4 - first.length)}` : pick(4);
  return `${head}-${pick(3)}-${pick(3)}-${pick(3)}`;
}

/** modifiedAt: `yyyy-MM-ddTHH:mm:ss`, no zone, Warsaw local time (what real notifications show). */
export function modifiedAt(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Warsaw',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/** The GDPR notices a White Label checkout must show (spec §3.5), per supported locale. */
export const NOTICES: Record<string, { title: string; content: string }> = {
  'pl-PL': {
    title: 'Administratorem Twoich danych osobowych jest mElements S.A. z siedzibą w Warszawie, 00-850, ul. Prosta 18.',
    content: '<p>Dane przetwarzane są w celu realizacji płatności. (Tollgate sandbox)</p>',
  },
  'en-GB': {
    title: 'mElements S.A. with its registered office in Warsaw, 00-850 at ul. Prosta 18 is the controller of your personal data.',
    content: '<p>Your data is processed to carry out the payment. (Tollgate sandbox)</p>',
  },
  'uk-UA': {
    title: 'Адміністратором ваших персональних даних є mElements S.A. з офісом у Варшаві, 00-850, вул. Проста 18.',
    content: '<p>Дані обробляються для здійснення платежу. (Tollgate sandbox)</p>',
  },
};
