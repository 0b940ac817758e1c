/**
 * Where the browser suites find Chromium (Debian's, or TOLLGATE_CHROMIUM), and why they are skipped
 * when it is missing, as the PostgreSQL suites are without their binaries. No playwright import here:
 * scripts/test.ts asks too.
 */
import { accessSync, constants, statSync } from 'node:fs';

export function chromiumPath(): string {
  return process.env.TOLLGATE_CHROMIUM || '/usr/bin/chromium';
}

export function chromiumUnavailableReason(): string | undefined {
  const path = chromiumPath();
  try {
    accessSync(path, constants.X_OK);
    if (statSync(path).isFile()) return undefined;
  } catch {}
  return `Chromium is not an executable file at ${path}; apt-get install chromium, or point TOLLGATE_CHROMIUM at it`;
}
