import type { BenchParams } from './bench-config';
import { count, formatMs, markdownTable } from './markdown-format';
import type { WorkloadStats } from './stats';
import type { Workload } from './workloads';

/** Store events/s ÷ raw events/s that a workload must reach. */
export const TARGET_RATIO = 0.8;

/** Both sides' results of one workload. */
export interface WorkloadResult {
  workload: Workload;
  store: WorkloadStats;
  raw: WorkloadStats;
  storeRetries?: number;
  rawRetries?: number;
  /** The order the sides ran in, round by round. */
  order: string;
}

/** Where and how the run happened, for the header of results.md. */
export interface RunContext {
  date: Date;
  quick: boolean;
  nodeVersion: string;
  postgresVersion: string;
  cores: number;
  cpuModel: string;
  totalMemoryBytes: number;
  poolSize: number;
  durationMs: number;
  params: BenchParams;
}

/** The results as a markdown table, one row per workload. */
export function renderTable(results: readonly WorkloadResult[]): string {
  const header = [
    'Workload',
    'Store ev/s',
    'Store p50 ms',
    'Store p99 ms',
    'Raw ev/s',
    'Raw p50 ms',
    'Raw p99 ms',
    'Store/raw',
    'Notes',
  ];
  const rows = results.map((r) => {
    const ratio = r.store.eventsPerSecond / r.raw.eventsPerSecond;
    const notes = [`order: ${r.order}`];
    if (r.storeRetries !== undefined || r.rawRetries !== undefined) {
      notes.push(`retries: store ${r.storeRetries ?? 0}, raw ${r.rawRetries ?? 0}`);
    }
    return [
      r.workload.title,
      count(r.store.eventsPerSecond),
      formatMs(r.store.p50Ms),
      formatMs(r.store.p99Ms),
      count(r.raw.eventsPerSecond),
      formatMs(r.raw.p50Ms),
      formatMs(r.raw.p99Ms),
      // Truncated, not rounded: 0.797 shows as 0.79 ✗, never as 0.80 ✗.
      `${(Math.floor(ratio * 100) / 100).toFixed(2)} ${ratio >= TARGET_RATIO ? '✓' : '✗'}`,
      notes.join('; '),
    ];
  });
  return markdownTable(header, rows);
}

/**
 * The whole results.md: the run's context, the parameters, the table and how to read it,
 * then `sections` (the aggregate, projection and HTTP parts' own sections), in order.
 */
export function renderResultsFile(
  context: RunContext,
  results: readonly WorkloadResult[],
  sections: readonly string[],
): string {
  const gib = (context.totalMemoryBytes / 1024 ** 3).toFixed(1);
  return `# Event store benchmark

\`npm run bench${context.quick ? ' -- --quick' : ''}\`, in one process run: first \`PostgresEventStore\` against the best
plain SQL on a \`pg.Pool\` (the "raw" side), same database, same event payloads; then the
event-sourced aggregates ([Aggregates](#aggregates)): loads with and without snapshots, and
command throughput against the store's append rate; then the [Projections](#projections): catch-up
of an async projection against a hand-written SQL loop, and the latency from append to read model;
last [HTTP](#http-deposits-against-a-crud-baseline): deposits per second to the bank app over HTTP
against a minimal Nest + TypeORM CRUD app.

- Date: ${context.date.toISOString()}
- Node: ${context.nodeVersion}
- PostgreSQL: ${context.postgresVersion}
- Machine: ${context.cores} cores (${context.cpuModel}), ${gib} GiB memory
- Mode: ${context.quick ? 'quick (counts ÷ 10)' : 'full'}; whole run took ${(context.durationMs / 1000).toFixed(1)} s
- Pools: ${context.poolSize} connections per side

## Results: event store against raw pg

${renderTable(results)}

Events/s is events moved ÷ wall time of the workload; p50/p99 is the latency of one
operation (one append call, one read call or one page), from \`process.hrtime.bigint()\`.
Store/raw is store events/s ÷ raw events/s; ✓ when at least ${TARGET_RATIO}. Each side runs
each workload ${context.params.storeRounds} times, in ABBA order (BAAB for every other workload),
and the figures cover all its rounds. Within a round, the workloads of one operation after
another are paired (their Notes say so, with the block size): the sides take turns block
by block, and a side's wall time is the sum of its own operations. On a shared machine a round of one side can run 30%
slower than the next round of the same side; paired, both sides meet the same moments.
Blocks rather than single operations: the first operation after the other side's runs
slower, on either side (a sequential append about 0.2 ms slower, measured), and a cost
added to both sides alike pulls their ratio towards 1; taking turns append by append made
the sequential ratio about 0.03–0.05 higher than whole rounds did. Reads are seeded first (untimed), then both sides warm
up with ${context.params.warmupAppends} appends over ${context.params.concurrency} workers, then a CHECKPOINT.

## Workloads (sizes per side and round)

${results.map((r) => `- ${r.workload.title}: ${r.workload.describe(context.params)}.`).join('\n')}

## The two sides

Both write the same event: \`{ type: 'bench.deposited', data: { amount: 42, note: 'x' × 100 },
metadata: { correlationId } }\`, with a fresh UUID as event id (given to the store too) and
one correlation id per append.

- Store: \`PostgresEventStore\` over a TypeORM \`DataSource\` (poolSize ${context.poolSize}, store migrations run with their defaults, so without the optional correlation-id index).
  Appends pass the exact expected version (one statement: version check and insert; a
  single event that lost a race inserts nothing, and the same statement reads the stream's
  version through \`es_append_conflict\`, a PL/pgSQL function with a fresh snapshot);
  contended appends read \`streamVersion\` once, then after each \`ConcurrencyError\`
  expect the \`actual\` version it carries. Reads are \`readStream(id)\` and
  \`readAll({ after: cursor, limit })\`, which return envelopes (ids, numbers and bigints
  parsed, JSON parsed, a Date). The store runs its named statements on \`pg\`'s connection
  without a Describe per execution (\`text-rows.ts\`), reading rows as text by column.
- Raw: a \`pg.Pool\` of the same size on a plain \`raw_events\` table (identity position,
  unique event id, unique (stream_id, version)). One autocommit INSERT per append, as a
  named (prepared) statement; the writer tracks the version itself; batches insert from
  \`unnest\` of arrays. Contended appends read \`max(version)\` and insert the next version
  with \`ON CONFLICT (stream_id, version) DO NOTHING\`, reading again when nothing went in:
  the same optimistic protocol (faster than catching a unique violation). Reads are \`WHERE stream_id = $1 ORDER BY version\`
  and \`WHERE position > $1 ORDER BY position LIMIT $2\`; rows are not mapped.

${sections.join('\n')}`;
}
