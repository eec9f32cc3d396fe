import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same" for an Idempotency-Key: a SHA-256 of the method,
 * the URL (path and query) and the parsed body as canonical JSON (keys sorted), so that
 * key order and whitespace do not matter but any value does. @internal
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${url}\n`).update(canonicalJson(body)).digest('hex');
}

/** JSON with object keys sorted at every depth; `undefined` (no body) as an empty string. @internal */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
