/** Escapes text for HTML content and attribute values: every merchant-supplied string passes here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small, self-contained page: no scripts, only the gateway's stylesheet (see PAGE_CSP). */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/assets/tollgate.css"></head><body><main>${body}</main></body></html>`;
}
