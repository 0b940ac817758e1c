import { type Id, type IdKind, storedId } from '../../src/core/ids.js';

/**
 * A fixture's id: store suites write short ids such as `int_a` straight into rows, which asId
 * would refuse, so they are branded as the store brands what it wrote.
 */
export function fixtureId<K extends IdKind>(kind: K, text: string): Id<K> {
  return storedId(kind, text);
}
