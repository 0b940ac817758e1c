import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { statusOf } from '../web/api/problem.js';
import { ERROR_CODES, ERROR_TITLES } from './errors.js';

test('every error code has a title, an HTTP status, and a row in docs/errors.md', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of ERROR_CODES) {
    assert.ok(ERROR_TITLES[code].length > 0, code);
    const status = statusOf(code);
    assert.ok(status >= 400 && status < 600, code);
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `docs/errors.md lacks a row for ${code} (${status})`);
  }
});
