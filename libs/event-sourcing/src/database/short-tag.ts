/**
 * A short, stable tag of a text (a schema name), for identifiers that must differ per
 * schema: prepared statement names, the NOTIFY channel. @internal
 */
export function shortTag(text: string): string {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) | 0;
  return (h >>> 0).toString(36);
}
