import { count, formatMs, markdownTable, truncate } from './markdown-format';
import { stringifyOptionsJson } from './options-json';
import { RAW_STATEMENTS } from './raw-pg-side';
import type { RunContext } from './report';
import { median } from './stats';
import { RAW_SIDE, type CellRuns, type StoreResults } from './store-section';
import { MINIMAL_RAW_SCHEMA, STORAGE_TARGET, type SchemaSize } from './store-seed';

/** Where the store section starts and ends in results.md, so that `--only=store` can replace it alone. */
export const STORE_SECTION_START = '<!-- store-section:start -->';
export const STORE_SECTION_END = '<!-- store-section:end -->';

/** A cell's figures over its runs. */
interface CellSummary {
  eventsPerSecond: number;
  minEventsPerSecond: number;
  maxEventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  retries: number | undefined;
}

function summarize(cell: CellRuns): CellSummary {
  const rates = cell.runs.map((r) => r.eventsPerSecond);
  const retries = cell.runs.map((r) => r.retries).filter((r) => r !== undefined);
  return {
    eventsPerSecond: median(rates),
    minEventsPerSecond: Math.min(...rates),
    maxEventsPerSecond: Math.max(...rates),
    p50Ms: median(cell.runs.map((r) => r.p50Ms)),
    p99Ms: median(cell.runs.map((r) => r.p99Ms)),
    retries: retries.length > 0 ? median(retries) : undefined,
  };
}

/** The throughput table, one row per workload and side, then the storage table. */
export function renderStoreTables(results: StoreResults): string {
  const header = ['Workload', 'Side', 'ev/s (median)', 'ev/s min–max', 'p50 ms', 'p99 ms', '÷ raw', 'Retries'];
  const rows: string[][] = [];
  for (const cell of results.cells) {
    const raw = results.cells.find((c) => c.workload === cell.workload && c.side === RAW_SIDE)!;
    const s = summarize(cell);
    const ratio = s.eventsPerSecond / summarize(raw).eventsPerSecond;
    const verdict = `${truncate(ratio, 2)} ${ratio >= cell.workload.target ? '✓' : '✗'} (≥ ${cell.workload.target})`;
    rows.push([
      cell.side === RAW_SIDE ? cell.workload.title : '',
      cell.side,
      count(s.eventsPerSecond),
      `${count(s.minEventsPerSecond)}–${count(s.maxEventsPerSecond)}`,
      formatMs(s.p50Ms),
      formatMs(s.p99Ms),
      cell.side === RAW_SIDE ? '' : verdict,
      s.retries === undefined ? '' : count(s.retries),
    ]);
  }
  return `${markdownTable(header, rows)}\n\n${renderStorage(results)}`;
}

function renderStorage({ storage }: StoreResults): string {
  const { store, raw, events } = storage;
  const verdict = store.bytesPerEvent <= STORAGE_TARGET ? '✓' : '✗';
  const share = (size: SchemaSize): string =>
    size.relations.map((r) => `${r.name} ${(r.bytes / events).toFixed(0)}`).join(', ');
  return markdownTable(
    ['Bytes per event on disk', 'Store (default schema)', 'Raw (minimal table)'],
    [
      [
        `${count(events)} events, tables + indexes + TOAST`,
        `${store.bytesPerEvent.toFixed(0)} ${verdict} (≤ ${STORAGE_TARGET})`,
        raw.bytesPerEvent.toFixed(0),
      ],
      ['of which, per relation', share(store), share(raw)],
    ],
  );
}

/** The store section of results.md, between its markers. */
export function renderStoreSection(results: StoreResults, context: RunContext): string {
  const { config, sides } = results;
  const p = config.params;
  const gib = (context.totalMemoryBytes / 1024 ** 3).toFixed(1);
  const variants = sides
    .filter((side) => side.options !== undefined)
    .map((side) => `\`${side.name}\` (\`${stringifyOptionsJson(side.options)}\`)`);
  const orders = [...results.order].map(([id, sides]) => `${id}: ${sides.join(', ')}`);
  return `${STORE_SECTION_START}
## Results: event store against raw pg

${context.date.toISOString()}, Node ${context.nodeVersion}, PostgreSQL ${context.postgresVersion}, ${context.cores} cores (${context.cpuModel}), ${gib} GiB memory; ${context.quick ? 'quick mode' : 'full mode'}, ${config.runs} runs per cell, the section took ${(results.durationMs / 1000).toFixed(0)} s.

${renderStoreTables(results)}

ev/s is events moved ÷ wall time of the run, taken as the median of the ${config.runs} runs of each cell, with the
slowest and fastest run beside it; p50/p99 is the latency of one operation (an append, a rehydration, a page),
the median over the runs of each run's p50 and p99. ÷ raw is a variant's median ÷ the raw median of the same
bench run, truncated (0.849 shows as 0.84), ✓ when it reaches the workload's target. Store variants: ${variants.join(', ')}.

### Workloads

${results.cells
  .filter((c) => c.side === RAW_SIDE)
  .map((c) => `- ${c.workload.title}: ${c.workload.describe(p)}.`)
  .join('\n')}

Every event is \`{ type: 'bench.deposited', data: { amount: 42, note: 'x' × 100 }, metadata: { correlationId } }\`
with a fresh UUID as its event id (given to the store too) and one correlation id per append.

### How it was measured

- A cell is one workload on one side; each run of a cell is a fresh \`node dist/bench/store-cell.js\` process,
  given the cell as JSON, which opens its side (untimed), warms up (untimed, the same on every side:
  ${p.warmupAppends} single-event appends by ${p.writers} writers to throw-away streams, a rehydration, a page in global
  order), runs the workload once, checks what it wrote, and prints its figures as a JSON line.
- Runs are interleaved workload by workload, the order turning round each run, and a CHECKPOINT before each:
  ${orders.join('; ')}.
- All sides share one fresh database: the module migrated it, then the seeding (untimed, once) wrote W6's
  streams first, so that they lead the global order, then W4's stream, then \`VACUUM ANALYZE\`. Both sides read
  those rows; each run writes streams of its own (\`bench-<workload>-<side>-<run>-…\`) into the same tables.
- Store sides: \`EventSourcingModule.forRoot({ database: url, poolSize: ${p.poolSize}, applicationName, ...variant })\`
  with \`CqrsModule.forRoot()\` and \`forFeature({ aggregates: [DepositTotal] })\`, booted with
  \`NestFactory.createApplicationContext\`; the workloads use \`app.get(EventStore)\` (\`append\` with the
  expected version, \`streamVersion\`, \`readAll\`) and the aggregate's \`AggregateRepository.load\`, imported
  from \`nest-event-sourcing\`. A \`ConcurrencyError\` counts as a lost race.
- Raw side: a \`pg.Pool\` of ${p.poolSize}, named statements, one autocommit statement per append that checks the
  expected version itself and writes the rows the store writes (the event; the \`es_streams\` row, with the
  stream id's prefix as stream type, with a stream's first event). A wrong expected version inserts nothing;
  a race lost to the unique (stream_id, version) key fails (or, in W5, inserts nothing): both count as
  conflicts. Rows are read as \`pg\` returns them, not mapped.
- Bytes per event: after W6's seeding, \`pg_total_relation_size\` of es_events and es_streams ÷ events; the
  same events then copied in position order into the minimal table a raw user needs for the raw side's
  guarantees (created with its indexes, then filled), measured the same way and dropped.

The raw side's statements:

${Object.entries(RAW_STATEMENTS)
  .map(([name, s]) => `\`${name}\`:\n\n\`\`\`sql\n${s.text}\n\`\`\``)
  .join('\n\n')}

The minimal raw table:

\`\`\`sql
${MINIMAL_RAW_SCHEMA.join(';\n')};
\`\`\`
${STORE_SECTION_END}
`;
}

/** Replaces the store section of `file` with `section`; throws when the file has no markers. */
export function replaceStoreSection(file: string, section: string): string {
  const start = file.indexOf(STORE_SECTION_START);
  const end = file.indexOf(STORE_SECTION_END);
  if (start < 0 || end < start) {
    throw new Error(`results.md has no ${STORE_SECTION_START} … ${STORE_SECTION_END}; run a full npm run bench.`);
  }
  return file.slice(0, start) + section.trimEnd() + file.slice(end + STORE_SECTION_END.length);
}
