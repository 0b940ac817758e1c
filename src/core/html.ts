/** Escapes text for HTML content and attribute values: every merchant-supplied string passes here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}
