/**
 * What the browser suites once did without Chromium, for test-command.test.ts: with TOLLGATE_HANG_PROBE
 * set, a before() hook opens a server and fails, and nothing closes the server, so this file never
 * ends on its own. Without the variable it checks only that a server it opens is closed again.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { before, describe, test } from 'node:test';

const probing = process.env.TOLLGATE_HANG_PROBE === '1';

describe('a hook that opens a server', () => {
  const server = createServer();
  before(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    if (probing) throw new Error('the hook failed after opening a server');
  });

  test('the server is open, then closed', async () => {
    assert.equal(server.listening, true);
    await new Promise<void>((done) => server.close(() => done()));
    assert.equal(server.listening, false);
  });
});
