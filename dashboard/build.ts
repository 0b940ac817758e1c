/**
 * Builds the dashboard with Vite into dashboard/dist, and says so: run by `npm install` (prepare),
 * `npm run build:dashboard`, and scripts/test.ts when dist is missing or older than its sources.
 * Also measures what a first visit downloads: the gzip size of the JS and CSS that index.html loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const dashboardRoot = resolve(import.meta.dirname);
export const dashboardDist = join(dashboardRoot, 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Why the built dashboard cannot be served as it is, or undefined when dist is newer than every source. */
export function dashboardStaleReason(): string | undefined {
  let built: number;
  try {
    built = statSync(join(dashboardDist, 'index.html')).mtimeMs;
  } catch {
    return 'dashboard/dist is missing';
  }
  // The app also bundles the pure money rules of src/core (one currency table for server and browser).
  const sources = Math.max(newestMtime(join(dashboardRoot, 'src')), newestMtime(join(dashboardRoot, 'index.html')), newestMtime(join(dashboardRoot, 'vite.config.ts')), newestMtime(join(dashboardRoot, '..', 'src', 'core', 'money.ts')));
  return sources > built ? 'dashboard/dist is older than dashboard/src' : undefined;
}

/** The gzip bytes of each script and stylesheet dist/index.html loads, and their sum. */
export function initialLoad(): { files: { path: string; bytes: number; gzip: number }[]; gzip: number } {
  const html = readFileSync(join(dashboardDist, 'index.html'), 'utf8');
  const paths = [...html.matchAll(/(?:src|href)="(\/ui\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const files = paths.map((path) => {
    const body = readFileSync(join(dashboardDist, path));
    return { path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  return { files, gzip: files.reduce((n, f) => n + f.gzip, 0) };
}

export async function buildDashboard(say: (line: string) => void = console.log): Promise<void> {
  say(`building the dashboard (Vite, dashboard/) into ${dashboardDist} …`);
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(dashboardRoot, 'vite.config.ts'), logLevel: 'warn' });
  const load = initialLoad();
  say(`dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s; a first visit loads ${(load.gzip / 1024).toFixed(1)} KiB gzipped (${load.files.map((f) => `${f.path} ${(f.gzip / 1024).toFixed(1)} KiB`).join(', ')})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildDashboard();
}
