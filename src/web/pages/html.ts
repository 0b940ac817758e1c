import { escapeHtml } from '../../core/html.js';

export { escapeHtml };

/** A small, self-contained page: no scripts, one inline style allowed by the CSP hash-free nonce-less policy. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/assets/tollgate.css"></head><body><main>${body}</main></body></html>`;
}

export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";
