/** Quotes a PostgreSQL identifier (a schema name) for use in SQL text. @internal */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
