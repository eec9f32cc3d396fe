/** Where a Date sits in a value: the keys (and array indexes) leading to it. */
export type DatePath = (string | number)[];

/**
 * `Date` values do not survive JSON. Before an event is stored the paths of its Dates
 * are recorded (in the metadata key `$dates`); when it is read the strings at those
 * paths become Dates again. Paths are arrays of keys, so keys with dots are safe. @internal
 */
export function findDatePaths(value: unknown, path: DatePath = [], found: DatePath[] = []): DatePath[] {
  if (value instanceof Date) {
    found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findDatePaths(item, [...path, index], found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) findDatePaths(child, [...path, key], found);
  }
  return found;
}

/**
 * Turns the ISO strings at `paths` back into Dates, in place, and returns the value.
 * Paths may also be dot-separated strings. Anything that is not a path is ignored. @internal
 */
export function restoreDates<T>(value: T, paths: unknown): T {
  if (!Array.isArray(paths)) return value;
  let result: unknown = value;
  for (const raw of paths) {
    const keys: unknown[] | undefined = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split('.') : undefined;
    if (!keys) continue;
    if (keys.length === 0 || (keys.length === 1 && keys[0] === '')) {
      if (typeof result === 'string') result = new Date(result);
      continue;
    }
    let parent: unknown = result;
    for (const key of keys.slice(0, -1)) parent = (parent as Record<string, unknown> | null | undefined)?.[String(key)];
    const last = String(keys.at(-1));
    if (
      parent !== null &&
      typeof parent === 'object' &&
      typeof (parent as Record<string, unknown>)[last] === 'string'
    ) {
      (parent as Record<string, unknown>)[last] = new Date((parent as Record<string, string>)[last]!);
    }
  }
  return result as T;
}
