/**
 * What in a string PostgreSQL cannot store as it is: a NUL character (`text` and
 * `jsonb` refuse it) or a lone UTF-16 surrogate (which would come back as U+FFFD, so
 * the value read back would not be the one given). `undefined` when the string is fine.
 * @internal
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL character (U+0000), which PostgreSQL cannot store';
  if (!value.isWellFormed()) return 'contains a lone UTF-16 surrogate, which is not valid Unicode text';
  return undefined;
}
