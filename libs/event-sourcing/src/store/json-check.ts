/**
 * Finds what in a value would not survive a trip through PostgreSQL `jsonb` unchanged:
 * functions, symbols, bigints, non-finite numbers, cycles, Maps and Sets (which JSON
 * silently empties), NUL characters and lone surrogates (which `jsonb` rejects).
 * Objects with `toJSON` (such as `Date`) are taken as they serialise.
 * Returns a description of the first problem, or `undefined` when the value is fine.
 * @internal
 */
export function checkJsonValue(value: unknown, path: string): string | undefined {
  return check(value, path, new Set());
}

function check(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return checkString(value, path);
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case 'undefined':
      return undefined; // dropped from objects, null in arrays: JSON's ordinary rules
    case 'bigint':
      return `${path} is a bigint, which JSON cannot hold; store it as a string`;
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}, which is not JSON-serialisable`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return `${path} is binary data; encode it as a base64 string`;
  }
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    if (object instanceof Date && Number.isNaN(object.getTime())) return `${path} is an invalid Date`;
    return check((object as { toJSON(): unknown }).toJSON(), path, ancestors);
  }
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet) {
    return `${path} is a ${object.constructor.name}, which JSON turns into {}; convert it to an array or object`;
  }
  if (ancestors.has(object)) return `${path} refers back to itself (a cycle)`;
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        const problem = check(object[i], `${path}[${i}]`, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [key, child] of Object.entries(object)) {
      const keyProblem = checkString(key, `key of ${path}`);
      if (keyProblem) return keyProblem;
      const problem = check(child, `${path}.${key}`, ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}

function checkString(value: string, path: string): string | undefined {
  if (value.includes('\0')) return `${path} contains a NUL character, which PostgreSQL jsonb rejects`;
  if (!value.isWellFormed()) return `${path} contains a lone UTF-16 surrogate`;
  return undefined;
}

/** A JSON escape that PostgreSQL `jsonb` rejects: NUL, or half of a surrogate pair. */
const REJECTED_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/**
 * Serialises a value for `jsonb`, or says why it cannot be stored. The fast path is one
 * native `JSON.stringify` plus a walk that only looks for what JSON would silently drop;
 * only a value with a problem pays for {@link checkJsonValue}'s path-naming walk.
 * @internal
 */
export function serializeJson(value: unknown, path: string): { json: string } | { problem: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) return { problem: `${path} is nested too deeply` };
    return { problem: checkJsonValue(value, path) ?? `${path} is not JSON-serialisable` };
  }
  if (json === undefined || hasSilentLoss(value, 0) || REJECTED_ESCAPE.test(json)) {
    return { problem: checkJsonValue(value, path) ?? `${path} is not JSON-serialisable` };
  }
  return { json };
}

/** Whether JSON would quietly change the value: NaN, functions, Maps, binary, invalid Dates. */
function hasSilentLoss(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value === 'function' || typeof value === 'symbol') return true;
  if (value === null || typeof value !== 'object') return false;
  if (depth > 100) return false; // JSON.stringify has already refused cycles
  if (value instanceof Date) return Number.isNaN(value.getTime());
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) return true;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasSilentLoss(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (
      Object.prototype.hasOwnProperty.call(value, key) &&
      hasSilentLoss((value as Record<string, unknown>)[key], depth + 1)
    ) {
      return true;
    }
  }
  return false;
}
