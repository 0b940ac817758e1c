/** What the dashboard's browser suites share: tabs that collect CSP and script errors, logging in, axe-core. */
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { horizontalOverflow } from '../checkout/browser.js';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/dashboard');
const AXE = resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** CSP violations and uncaught errors the page reported. */
  problems: string[];
}

export async function newTab(browser: Browser, options: { width?: number; bypassCSP?: boolean } = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, deviceScaleFactor: 1, bypassCSP: options.bypassCSP ?? false });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

export async function logIn(page: Page, url: string, email: string, password: string, operator = false): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (operator) await page.getByLabel('I am an operator of this gateway').check();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: operator ? 'Operators' : 'Home' }).waitFor();
}

export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate<{ id: string; impact: string; nodes: { target: string[] }[] }[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({ target: n.target })) })))",
  );
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}


/** A full-page screenshot into test-artifacts/dashboard/, then axe: its serious or critical violations, and sideways scrolling at phone width. */
export async function inspectPage(page: Page, file: string, width: number): Promise<string[]> {
  await page.screenshot({ path: join(ARTIFACTS, `${file}-${width}.png`), fullPage: true });
  const found = (await axeViolations(page)).map((v) => `${file} at ${width}px: ${v}`);
  if (width === 360 && (await horizontalOverflow(page)) > 0) found.push(`${file} scrolls sideways at 360 px`);
  return found;
}
