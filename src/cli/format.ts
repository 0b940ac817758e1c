import { formatDecimal, isCurrency } from '../core/money.js';

/** How the remote commands print what the API answers, for people: `amount` is in minor units beside `currency`. */
export function moneyText(p: Record<string, unknown>): string {
  const { amount, currency } = p;
  if (typeof amount === 'number' && typeof currency === 'string' && isCurrency(currency)) return `${formatDecimal(amount, currency)} ${currency}`;
  return `${String(amount)} ${String(currency ?? '')} (minor units)`.trim();
}

export function paymentLine(p: Record<string, unknown>): string {
  return [p.id, String(p.state).padEnd(18), moneyText(p).padEnd(14), p.method ?? '-', p.reference ?? ''].join('  ').trimEnd();
}

export function deliveryLine(d: Record<string, unknown>): string {
  const attempts = Array.isArray(d.attemptLog) ? (d.attemptLog as Array<{ statusCode: number | null; error: string | null }>) : [];
  const last = attempts[attempts.length - 1];
  const forwards = Array.isArray(d.forwards) ? (d.forwards as Array<{ statusCode: number | null }>) : [];
  const lastForward = forwards[forwards.length - 1];
  return [
    d.id,
    String(d.status).padEnd(9),
    d.paymentId,
    `v${d.eventVersion}${d.state ? ` ${d.state}` : ''}`,
    `${d.attempts} attempt(s)${last ? `, last ${last.statusCode ?? last.error}` : ''}`,
    ...(lastForward ? [`listen ${lastForward.statusCode ?? 'error'}`] : []),
    d.url,
  ].join('  ');
}

/** One line of text however long the original: newlines folded, cut at `max` characters. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A duration such as 90s, 10m, 2h, 1d or 1h30m, in whole seconds. */
export function parseDuration(text: string): number {
  const m = /^(?:\d+[smhd])+$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: write e.g. 30s, 10m, 2h, 1d or 1h30m`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
  let seconds = 0;
  for (const [, n, u] of text.trim().matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * unit[u as keyof typeof unit];
  if (seconds <= 0 || seconds > 365 * 86_400) throw new Error(`"${text}" must be more than nothing and at most a year`);
  return seconds;
}
