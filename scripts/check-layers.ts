/**
 * Fails when an import points up or sideways across the layers of ARCHITECTURE.md:
 * core imports nothing of ours; store imports core; services import core and store; http (shared HTTP
 * pieces) imports core and services; a dialect imports core, services and http but neither store nor
 * another dialect; the worker never imports a dialect.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The layer of a file, and for dialects which one. */
function layerOf(file: string): string {
  const rel = relative(root, file).split('/');
  // Files directly in dialects/ are what every dialect shares (the Dialect contract).
  if (rel[0] === 'dialects') return rel.length === 2 ? 'dialects' : `dialects/${rel[1]}`;
  return rel.length === 1 ? 'top' : (rel[0] as string);
}

const allowed: Record<string, (target: string) => boolean> = {
  core: (t) => t === 'core',
  store: (t) => t === 'core' || t === 'store',
  services: (t) => t === 'core' || t === 'store' || t === 'services',
  worker: (t) => t === 'core' || t === 'store' || t === 'services' || t === 'worker',
  http: (t) => t === 'core' || t === 'services' || t === 'http',
  web: (t) => t !== 'cli' && t !== 'top' && !t.startsWith('dialects'),
  dialects: (t) => t === 'core' || t === 'services' || t === 'dialects',
  cli: () => true,
  top: () => true,
};

const problems: string[] = [];
for (const file of files(root)) {
  if (file.endsWith('.test.ts')) continue;
  const from = layerOf(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = layerOf(resolve(dirname(file), m[1] as string));
    const ok = from.startsWith('dialects/')
      ? target === 'core' || target === 'services' || target === 'http' || target === 'dialects' || target === from
      : (allowed[from]?.(target) ?? false);
    if (!ok) problems.push(`${relative(root, file)}: ${from} must not import ${target} (${m[1]})`);
  }
}
if (problems.length > 0) {
  console.error(`layer check: ${problems.length} import(s) point the wrong way:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('layer check: imports point down');

// The dashboard's generated API types must match the API (scripts/gen-api-types.ts); `check` runs this file.
const { checkApiTypes } = await import('./gen-api-types.js');
if (!(await checkApiTypes())) process.exit(1);
console.log('api types: dashboard/src/api/schema.d.ts is current');
