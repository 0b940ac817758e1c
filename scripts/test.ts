/**
 * The test command: starts one throwaway PostgreSQL cluster (when the binaries are installed), runs
 * every *.test.ts under src/ and test/ with node:test on SQLite and PostgreSQL, then removes the cluster.
 * TOLLGATE_TEST_DBS=sqlite (or postgres) narrows the run; arguments narrow the files. Without Chromium
 * (TOLLGATE_CHROMIUM, default /usr/bin/chromium) the browser suites skip themselves; this says why once.
 * The dashboard is built first when dashboard/dist is missing or older than its sources.
 * Every file gets TOLLGATE_TEST_TIMEOUT ms (default 600 s), so a file that never ends cannot hold the run.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildDashboard, dashboardStaleReason } from '../dashboard/build.js';
import { chromiumUnavailableReason } from '../test/helpers/chromium.js';
import { postgresUnavailableReason, startCluster } from '../test/helpers/postgres.js';

const root = resolve(import.meta.dirname, '..');

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const p = join(dir, name);
    return statSync(p).isDirectory() ? findTests(p) : p.endsWith('.test.ts') ? [relative(root, p)] : [];
  });
}

const filters = process.argv.slice(2);
const files = [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))].filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
const wanted = (process.env.TOLLGATE_TEST_DBS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const env: Record<string, string | undefined> = { ...process.env };

let stopCluster = () => {};
if (wanted.includes('postgres')) {
  const reason = postgresUnavailableReason();
  if (reason) {
    console.log(`PostgreSQL suites skipped: ${reason}.`);
    env.TOLLGATE_TEST_DBS = wanted.filter((d) => d !== 'postgres').join(',');
  } else {
    console.log('starting a throwaway PostgreSQL cluster for the PostgreSQL suites…');
    const cluster = await startCluster();
    env.TOLLGATE_TEST_PG_URL = cluster.url;
    stopCluster = () => cluster.stop();
  }
}

// The gateway serves the built dashboard: tests of it (and of /) need a build as new as its sources.
const staleDashboard = dashboardStaleReason();
if (staleDashboard) {
  console.log(`${staleDashboard}:`);
  await buildDashboard();
}

const browserReason = chromiumUnavailableReason();
if (browserReason && files.some((f) => /browser/.test(f))) console.log(`Browser suites skipped: ${browserReason}.`);

// The slowest file took about 2 minutes on the 2-core box while others ran beside it.
const timeoutMs = process.env.TOLLGATE_TEST_TIMEOUT || '600000';
if (!/^\d+$/.test(timeoutMs)) throw new Error(`TOLLGATE_TEST_TIMEOUT must be milliseconds, not ${timeoutMs}`);

console.log(`running ${files.length} test files on ${env.TOLLGATE_TEST_DBS ?? wanted.join(',')}`);
// TOLLGATE_TEST_TAP=FILE also writes TAP with each file's duration_ms, to find the slow files.
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (process.env.TOLLGATE_TEST_TAP) reporters.push('--test-reporter=tap', `--test-reporter-destination=${process.env.TOLLGATE_TEST_TAP}`);
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${timeoutMs}`, ...reporters, ...files], { cwd: root, env, stdio: 'inherit' });
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code: number = await new Promise((r) => child.on('exit', (c, sig) => r(c ?? (sig ? 1 : 0))));
stopCluster();
process.exit(code);
