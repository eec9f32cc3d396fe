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

/**
 * Serialises a value for `jsonb`, or says why it cannot be stored: the problem
 * {@link checkJsonValue} names, or nesting too deep to walk.
 * @internal
 */
export function serializeJson(value: unknown, path: string): { json: string } | { problem: string } {
  try {
    // The quick walk builds no paths; only a value it doubts gets the walk that names the problem.
    const problem = isSafe(value, new Set()) ? undefined : checkJsonValue(value, path);
    if (problem) return { problem };
    const json = JSON.stringify(value);
    return json === undefined ? { problem: `${path} is not JSON-serialisable` } : { json };
  } catch (error) {
    if (error instanceof RangeError) return { problem: `${path} is nested too deeply` };
    return { problem: `${path} is not JSON-serialisable` };
  }
}

/** {@link check}'s rules as a yes/no answer, allocating nothing on the way. */
function isSafe(value: unknown, ancestors: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
      return !value.includes('\0') && value.isWellFormed();
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  const object = value;
  const proto = Object.getPrototypeOf(object) as unknown;
  if (proto === Date.prototype && !Object.hasOwn(object, 'toJSON')) return !Number.isNaN((object as Date).getTime());
  const array = Array.isArray(object);
  // Plain objects and arrays only; anything else (Date, Map, typed arrays...) gets the full check.
  if (!array && proto !== Object.prototype && proto !== null) return false;
  if (ancestors.has(object)) return false;
  ancestors.add(object);
  if (array) {
    for (const item of object) if (!isSafe(item, ancestors)) return false;
  } else {
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      if (key.includes('\0') || !key.isWellFormed()) return false;
      if (!isSafe((object as Record<string, unknown>)[key], ancestors)) return false;
    }
  }
  ancestors.delete(object);
  return true;
}
