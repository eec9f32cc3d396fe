import type { DomainError } from '../errors/domain-error';

/** Fields every DomainError has; the problem body carries them under their own names. */
const OWN = new Set(['name', 'message', 'stack', 'cause', 'code', 'rule', 'details', 'conflict']);

/**
 * The fields a `DomainError` subclass declares (the values it names), as JSON members
 * of its problem body: strings, finite numbers, booleans and null as they are, bigints as
 * strings, Dates as ISO text, plain arrays and objects of those; anything else (a
 * function, an instance of a class, a cycle) is left out rather than sent half-way.
 * @internal
 */
export function domainErrorValues(error: DomainError): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (OWN.has(key)) continue;
    const json = jsonValue(value, 0);
    if (json !== undefined) values[key] = json;
  }
  return values;
}

function jsonValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (depth >= 8 || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => jsonValue(item, depth + 1));
    return items.includes(undefined) ? undefined : items;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonValue(v, depth + 1)]);
  return entries.some(([, v]) => v === undefined) ? undefined : Object.fromEntries(entries);
}
