import { textProblem } from './text-problem';

/**
 * Finds what in a value would not survive a trip through PostgreSQL `jsonb` unchanged:
 * functions, symbols, bigints, non-finite numbers, cycles, Maps and Sets (which JSON
 * silently empties), NUL characters and lone surrogates (which `jsonb` rejects).
 * Objects with `toJSON` (such as `Date`) are taken as they serialise.
 * Returns a description of the first problem, or `undefined` when the value is fine.
 * @internal
 */
export function checkJsonValue(value: unknown, path: string): string | undefined {
  return check(value, new Trail(path), new Set());
}

/**
 * Where the walk is: the root's name and the keys and indexes below it, rendered only
 * for a problem, so a value with none costs no path strings.
 */
class Trail {
  private readonly steps: (string | number)[] = [];

  constructor(private readonly root: string) {}

  enter(step: string | number): void {
    this.steps.push(step);
  }

  leave(): void {
    this.steps.pop();
  }

  render(): string {
    return this.steps.reduce<string>(
      (path, step) => (typeof step === 'number' ? `${path}[${step}]` : `${path}.${step}`),
      this.root,
    );
  }
}

function check(value: unknown, path: Trail, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return checkString(value, path);
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path.render()} is ${value}, which JSON cannot hold`;
    case 'undefined':
      return undefined; // dropped from objects, null in arrays: JSON's ordinary rules
    case 'bigint':
      return `${path.render()} is a bigint, which JSON cannot hold; store it as a string`;
    case 'function':
    case 'symbol':
      return `${path.render()} is a ${typeof value}, which is not JSON-serialisable`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return `${path.render()} is binary data; encode it as a base64 string`;
  }
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    if (object instanceof Date && Number.isNaN(object.getTime())) return `${path.render()} is an invalid Date`;
    return check((object as { toJSON(): unknown }).toJSON(), path, ancestors);
  }
  // JSON.stringify writes boxed primitives as what they hold, and JSON.rawJSON (Node 21+)
  // values as their text: check what gets written.
  if (object instanceof Number || object instanceof String || object instanceof Boolean) {
    return check(object.valueOf(), path, ancestors);
  }
  if (isRawJson(object)) return check(JSON.parse(object.rawJSON) as unknown, path, ancestors);
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet) {
    return `${path.render()} is a ${object.constructor.name}, which JSON turns into {}; convert it to an array or object`;
  }
  if (ancestors.has(object)) return `${path.render()} refers back to itself (a cycle)`;
  ancestors.add(object);
  const problem = Array.isArray(object) ? checkItems(object, path, ancestors) : checkFields(object, path, ancestors);
  ancestors.delete(object);
  return problem;
}

function checkItems(items: unknown[], path: Trail, ancestors: Set<object>): string | undefined {
  for (let i = 0; i < items.length; i++) {
    path.enter(i);
    const problem = check(items[i], path, ancestors);
    path.leave();
    if (problem) return problem;
  }
  return undefined;
}

function checkFields(object: object, path: Trail, ancestors: Set<object>): string | undefined {
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const keyProblem = checkString(key, path, true);
    if (keyProblem) return keyProblem;
    path.enter(key);
    const problem = check((object as Record<string, unknown>)[key], path, ancestors);
    path.leave();
    if (problem) return problem;
  }
  return undefined;
}

/** `asKey`: the string is a key of the object at `path`. */
function checkString(value: string, path: Trail, asKey = false): string | undefined {
  const problem = textProblem(value);
  return problem && `${asKey ? 'key of ' : ''}${path.render()} ${problem}`;
}

/** Whether `value` is a `JSON.rawJSON` value (Node 21+), which JSON.stringify writes as its text. */
function isRawJson(value: object): value is { rawJSON: string } {
  return (JSON as { isRawJSON?: (value: unknown) => boolean }).isRawJSON?.(value) === true;
}

/** Deeper than this, the quick walk leaves the value to the full one (which finds cycles). */
const QUICK_DEPTH = 64;

/**
 * The quick walk: true when `value` is made only of plain objects, arrays, finite
 * numbers, booleans, null, undefined and well-formed strings without NUL, which JSON
 * keeps as they are. It allocates nothing, so the common event costs little besides
 * `JSON.stringify`. False means "look closer", not "bad": Dates, class instances and
 * anything else go through {@link checkJsonValue}, which names the problem, if any.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return !value.includes('\0') && value.isWellFormed();
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth === QUICK_DEPTH) return false;
  // JSON.stringify serialises what toJSON returns, from wherever it comes (own, inherited,
  // not enumerable, a proxy's trap): the full check follows it.
  if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (prototype !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (prototype === null ? isRawJson(value) : prototype !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    if (key.includes('\0') || !key.isWellFormed()) return false;
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * Serialises a value for `jsonb`, or says why it cannot be stored: the problem
 * {@link checkJsonValue} names, or nesting too deep to walk.
 * @internal
 */
export function serializeJson(value: unknown, path: string): { json: string } | { problem: string } {
  try {
    const problem = isPlainJson(value, 0) ? undefined : checkJsonValue(value, path);
    if (problem) return { problem };
    const json = JSON.stringify(value);
    return json === undefined ? { problem: `${path} is not JSON-serialisable` } : { json };
  } catch (error) {
    if (error instanceof RangeError) return { problem: `${path} is nested too deeply` };
    return { problem: `${path} is not JSON-serialisable` };
  }
}
