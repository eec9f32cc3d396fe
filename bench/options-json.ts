// Module options travel as JSON, on the command line and to each cell's process; JSON has
// no Infinity, which `appendsInFlight` takes, so both directions spell it as a string.

const INFINITY = 'Infinity';

/**
 * Parses options JSON in which a bare `Infinity` (or `-Infinity`) may stand for a number,
 * as in `{"appendsInFlight":Infinity}`.
 */
export function parseOptionsJson(text: string): unknown {
  const quoted = text.replace(/([:[,]\s*)(-?Infinity)(?=\s*[,\]}])/g, '$1"$2"');
  return JSON.parse(quoted, (_key, value: unknown) => {
    if (value === INFINITY) return Number.POSITIVE_INFINITY;
    if (value === `-${INFINITY}`) return Number.NEGATIVE_INFINITY;
    return value;
  });
}

/** JSON that {@link parseOptionsJson} reads back, infinities included. */
export function stringifyOptionsJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v === Number.POSITIVE_INFINITY ? INFINITY : v === Number.NEGATIVE_INFINITY ? `-${INFINITY}` : v,
  );
}
