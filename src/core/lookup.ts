/**
 * A table's entry for a name that came off the wire. `table[name]` would answer `__proto__`,
 * `constructor` or `toString` from Object.prototype; only the table's own entries count here.
 */
export function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
