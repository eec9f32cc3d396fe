// The one function of `pg` beyond its typed API that the store uses: how `pg` turns a
// JavaScript value into a parameter's text (arrays into array literals, objects into JSON).
// `pg` exports the file (`pg/lib/*`) but ships no types for it.

declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
