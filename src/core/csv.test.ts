import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvLine } from './csv.js';

test('a cell a spreadsheet would run as a formula is defused; a plain signed number is left whole', () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('+263771234567'), '+263771234567');
  assert.equal(csvCell('-500'), '-500');
  assert.equal(csvCell('12.50'), '12.50');
  assert.equal(csvCell(null), '');
  assert.equal(csvLine(['a,b', 'line\nbreak', 7]), '"a,b","line\nbreak",7\r\n');
});
