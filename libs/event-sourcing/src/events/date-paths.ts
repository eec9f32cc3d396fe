/**
 * `Date` values do not survive JSON. Before an event is stored the paths of its Dates
 * are recorded (in the metadata key `$dates`); when it is read the strings at those
 * paths become Dates again. @internal
 */
export function findDatePaths(value: unknown, path: (string | number)[] = [], found: string[] = []): string[] {
  if (value instanceof Date) {
    found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findDatePaths(item, [...path, index], found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) findDatePaths(child, [...path, key], found);
  }
  return found;
}

/** Turns the ISO strings at `paths` back into Dates, in place; returns the value. @internal */
export function restoreDates<T>(value: T, paths: readonly string[]): T {
  for (const path of paths) {
    if (path === '') return (typeof value === 'string' ? new Date(value) : value) as T;
    const keys = path.split('.');
    let parent: unknown = value;
    for (const key of keys.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[key];
    const last = keys.at(-1)!;
    if (
      parent !== null &&
      typeof parent === 'object' &&
      typeof (parent as Record<string, unknown>)[last] === 'string'
    ) {
      (parent as Record<string, unknown>)[last] = new Date((parent as Record<string, string>)[last]!);
    }
  }
  return value;
}
