/**
 * PostgreSQL's text refuses the NUL character where SQLite stores it: every surface refuses it first,
 * so both databases behave alike. The path of the first string or key in `value` holding one
 * (`buyer.firstName`, `items.0.name`), or undefined.
 */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'value' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) return at;
    const found = nulPath(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
