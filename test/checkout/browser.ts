/**
 * Debian's Chromium (or TOLLGATE_CHROMIUM) driven by playwright-core (never `playwright install`). A suite
 * that uses it passes `browserSuite()` to describe, and starts one thing at a time in its before() hook,
 * so that after() can close whatever was opened before a failure. Pages are opened with
 * JavaScript off unless a test needs it: the checkout must work without it.
 */
import { after, afterEach, before } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumPath, chromiumUnavailableReason } from '../helpers/chromium.js';
import type { DbKind } from '../helpers/dbs.js';
import { startWorld, type World } from './world.js';

/** A browser suite's options: skipped, with the reason, when Chromium is missing. */
export function browserSuite(): { skip: string | false } {
  return { skip: chromiumUnavailableReason() ?? false };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every alert, confirm or prompt a page opened (an XSS that ran). */
  dialogs: string[];
  close(): Promise<void>;
}

export interface TabOptions {
  javaScript?: boolean;
  locale?: string;
}

/** A new context (its own cookies) on a 360 px wide phone screen. */
export async function openTab(browser: Browser, options: TabOptions = {}): Promise<Tab> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? false, ...(options.locale && { locale: options.locale }), viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs, close: () => context.close() };
}

/** Opens a method's section on the checkout page (a <details>, no JavaScript needed). */
export async function openMethod(page: Page, method: string): Promise<void> {
  await page.locator(`#method-${method} > summary`).click();
}

/** The page is no wider than the screen: nothing to scroll sideways on a 360 px phone. */
export async function horizontalOverflow(page: Page): Promise<number> {
  // A string expression: the test project compiles without the DOM library.
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** What a browser suite works with: one Chromium and one world for the suite, and tabs. */
export interface ChromiumWorld {
  readonly w: World;
  readonly browser: Browser;
  /** A tab that is closed after the test that opened it, whatever its outcome. */
  tab(options?: TabOptions): Promise<Tab>;
}

/**
 * Called inside a `browserSuite()` describe: registers its hooks, starting Chromium and then the world
 * one at a time, so that after() closes whatever was opened before a failure.
 */
export function chromiumWorld(kind: DbKind, worldOptions?: Parameters<typeof startWorld>[1]): ChromiumWorld {
  let browser: Browser | undefined;
  let w: World | undefined;
  const open: Tab[] = [];
  before(async () => {
    browser = await launchChromium();
    w = await startWorld(kind, worldOptions);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  after(async () => {
    await browser?.close();
    await w?.stop();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the browser suite has not started');
    return v;
  };
  return {
    get w() {
      return started(w);
    },
    get browser() {
      return started(browser);
    },
    async tab(options) {
      const t = await openTab(started(browser), options);
      open.push(t);
      return t;
    },
  };
}
