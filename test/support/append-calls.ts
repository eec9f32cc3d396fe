import { PostgresAppend } from '../../libs/event-sourcing/src/store/postgres/postgres-append';

/**
 * Records the calls of one of the PostgreSQL append's entry points until `restore`:
 * `run` (one append alone) or `runMany` (appends sharing a statement), with how many
 * appends each call carried.
 */
export function recordAppendCalls(method: 'run' | 'runMany'): { readonly sizes: number[]; restore(): void } {
  const prototype = PostgresAppend.prototype;
  const original = Object.getOwnPropertyDescriptor(prototype, method)!;
  const wrapped = original.value as (...args: unknown[]) => unknown;
  const sizes: number[] = [];
  Object.defineProperty(prototype, method, {
    ...original,
    value: function (this: PostgresAppend, ...args: unknown[]) {
      sizes.push(Array.isArray(args[1]) ? args[1].length : 1);
      return wrapped.apply(this, args);
    },
  });
  return { sizes, restore: () => Object.defineProperty(prototype, method, original) };
}
