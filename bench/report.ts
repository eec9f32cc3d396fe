/** Where and how the run happened, for results.md. */
export interface RunContext {
  date: Date;
  quick: boolean;
  nodeVersion: string;
  postgresVersion: string;
  cores: number;
  cpuModel: string;
  totalMemoryBytes: number;
  durationMs: number;
}

/**
 * The whole results.md: the run's context, then `sections` (the store, aggregate,
 * projection and HTTP parts' own sections), in order.
 */
export function renderResultsFile(context: RunContext, sections: readonly string[]): string {
  const gib = (context.totalMemoryBytes / 1024 ** 3).toFixed(1);
  return `# Event store benchmark

\`npm run bench${context.quick ? ' -- --quick' : ''}\`: first the event store through its module against the best
plain SQL with the same guarantees on a \`pg.Pool\` (the "raw" side), each measurement in a fresh process
([Results](#results-event-store-against-raw-pg)); then the event-sourced aggregates ([Aggregates](#aggregates)):
loads with and without snapshots, and command throughput against the store's append rate; then the
[Projections](#projections): catch-up of an async projection against a hand-written SQL loop, and the latency
from append to read model; last [HTTP](#http-deposits-against-a-crud-baseline): deposits per second to the bank
app over HTTP against a minimal Nest + TypeORM CRUD app. \`npm run bench -- --only=store\` rewrites the first
section alone.

- Date: ${context.date.toISOString()}
- Node: ${context.nodeVersion}
- PostgreSQL: ${context.postgresVersion}
- Machine: ${context.cores} cores (${context.cpuModel}), ${gib} GiB memory
- Mode: ${context.quick ? 'quick' : 'full'}; whole run took ${(context.durationMs / 1000).toFixed(1)} s

${sections.join('\n')}`;
}
