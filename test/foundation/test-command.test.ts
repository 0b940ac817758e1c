/**
 * `npm test` itself (scripts/test.ts) as a developer runs it: without Chromium the browser suites are
 * skipped with one line saying why, and no test file can hold the run forever.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** `node scripts/test.ts …filters` on SQLite only, killed after `limitMs` (then `signal` is set). */
function runTests(filters: string[], env: Record<string, string>, limitMs: number): Promise<Run> {
  // NODE_TEST_CONTEXT would make the inner node --test report to this runner instead of running its files.
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...filters], {
      cwd: ROOT,
      env: { ...outer, TOLLGATE_TEST_DBS: 'sqlite', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    // The whole group: node --test's children too, so a hung run leaves nothing behind.
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), limitMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, output });
    });
  });
}

describe('the test command', () => {
  test('without Chromium the browser suites are skipped with one line saying why, and the run exits 0', async () => {
    const missing = '/nonexistent/chromium-for-this-test';
    const r = await runTests(['browser'], { TOLLGATE_CHROMIUM: missing }, 240_000);
    assert.equal(r.signal, null, `the run had to be killed:\n${r.output}`);
    assert.equal(r.code, 0, r.output);
    const lines = r.output.split('\n').filter((l) => l.startsWith('Browser suites skipped:'));
    assert.equal(lines.length, 1, r.output);
    assert.match(lines[0] as string, new RegExp(`Chromium .*${missing}.*TOLLGATE_CHROMIUM`));
    assert.match(r.output, /running [5-9] test files/, 'the browser suites were selected');
    const skipped = r.output.split('\n').filter((l) => /^﹣ .*Chromium.* # Chromium is not an executable file at /.test(l));
    assert.ok(skipped.length >= 5, `each browser suite is skipped with the reason:\n${r.output}`);
    assert.match(r.output, /ℹ tests 0\n/, 'no browser test ran');
    assert.match(r.output, /ℹ fail 0\n/);
  });

  test('a file that never ends (a failed hook left a server open) is stopped by the per-file timeout', async () => {
    const r = await runTests(['hang-probe'], { TOLLGATE_HANG_PROBE: '1', TOLLGATE_TEST_TIMEOUT: '3000' }, 120_000);
    assert.equal(r.signal, null, `the run had to be killed:\n${r.output}`);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /timed out after 3000ms/, r.output);
  });
});
