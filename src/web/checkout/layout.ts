import { escapeHtml } from '../../core/html.js';
import type { Messages } from './messages/index.js';

export interface DocumentOptions {
  /** Reload the page every so many seconds (a waiting page without JavaScript). */
  refreshSeconds?: number | undefined;
  /** Where the refresh goes, when not to this page's own URL (a page answering a form post). */
  refreshUrl?: string | undefined;
  /** A TEST banner across the top. */
  testBanner?: boolean;
}

/** A checkout page: one stylesheet, no script, readable on a 360 px phone. */
export function documentHtml(m: Messages, title: string, body: string, options: DocumentOptions = {}): string {
  const target = options.refreshUrl === undefined ? '' : `;url=${options.refreshUrl}`;
  const refresh = options.refreshSeconds === undefined ? '' : `<meta http-equiv="refresh" content="${escapeHtml(`${options.refreshSeconds}${target}`)}">`;
  const banner = options.testBanner
    ? `<div class="co-test" role="note"><strong>TEST</strong> ${escapeHtml(m.testBanner)}</div>`
    : '';
  return (
    `<!doctype html><html lang="${m.lang}"><head>` +
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta name="referrer" content="no-referrer">${refresh}<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/assets/tollgate.css"></head>` +
    `<body class="co">${banner}<main>${body}</main></body></html>`
  );
}
