/**
 * Debian's Chromium (or TOLLGATE_CHROMIUM) driven by playwright-core (never `playwright install`). A suite
 * that uses it passes `browserSuite()` to describe, and starts one thing at a time in its before() hook,
 * so that after() can close whatever was opened before a failure. Pages are opened with
 * JavaScript off unless a test needs it: the checkout must work without it.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumPath, chromiumUnavailableReason } from '../helpers/chromium.js';

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

/** A new context (its own cookies) on a 360 px wide phone screen. */
export async function openTab(browser: Browser, options: { javaScript?: boolean; locale?: string } = {}): Promise<Tab> {
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
