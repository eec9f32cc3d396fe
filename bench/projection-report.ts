import { count, formatMs, markdownTable, truncate } from './markdown-format';
import type { ProjectionResults } from './projection-benchmark';
import type { CatchUpSide } from './projection-catch-up';
import type { VisibilityLatency, Writer } from './projection-latency';

/** Projection events/s ÷ raw loop events/s that the catch-up must reach. */
export const TARGET_CATCH_UP_RATIO = 0.5;
/** Append commit → read model visible, p50, must stay under this. */
export const TARGET_VISIBLE_P50_MS = 50;

/** The default `subscriptions.pollIntervalMs`: how long a runner that is never woken waits. */
const POLL_INTERVAL_MS = 1_000;

const WAKE_UP: Record<Writer, string> = {
  'same instance': "in process: the append's store wakes the runner before `append` resolves",
  'other instance': "PostgreSQL: the writer's NOTIFY reaches the runner's LISTEN connection",
};

/** The two tables, each under its heading and with its verdict: for stdout and results.md. */
export function renderProjectionTables(results: ProjectionResults): string {
  return [
    `### 1. Catch-up from position 0 over ${count(results.catchUp.history)} events`,
    renderCatchUp(results),
    '### 2. Append commit → read model visible',
    renderLatency(results.latency),
  ].join('\n\n');
}

/** The projection section of results.md: the tables, then what was measured and how. */
export function renderProjectionSection(results: ProjectionResults): string {
  const p = results.params;
  return `## Projections

Application contexts wired as an application is (\`EventSourcingModule.forRoot({ database, batchSize: ${p.batchSize},
typeorm: { synchronize: true } })\`, \`forFeature({ projections })\`, subscription options left at their
defaults), on a database of their own, after the parts above. The projection, \`BenchBalancesProjection\`
(\`@Projection('bench-balances')\`, async), keeps a TypeORM entity, \`BenchBalance\` (account, owner, balance,
version), through \`ProjectionContext.manager\` the way the bank app does: \`manager.insert\` for an opening,
and for a deposit a query-builder \`UPDATE … SET balance = balance + :amount, version = :version\`.

${renderProjectionTables(results)}

### How it was measured

- History, seeded untimed through \`EventStore.append\`: ${count(p.accounts)} accounts × ${p.eventsPerAccount} events
  (an opening, then ${p.eventsPerAccount - 1} deposits), in appends of ${p.eventsPerAppend} events with the exact expected version,
  round by round over all accounts, so that accounts interleave in global order. Then VACUUM ANALYZE.
- Catch-up: ${p.rounds} rounds per side, each from an empty read model and checkpoint, and checked afterwards
  against the fold of the events (rows, sum of balances, sum of versions). ABBA order:
  ${results.catchUp.order}.
  - Projection: an instance with \`subscriptions.run: false\` resets it (\`Subscriptions.rebuild\`: read model
    emptied, checkpoint at the start) and pauses it; then the table is vacuumed, a CHECKPOINT taken, and a
    fresh instance boots and takes the projection's lock (all untimed). Timed: from \`Subscriptions.resume\`
    until \`waitUntilCaughtUp\` resolves (it polls every 50 ms at most, which this side pays).
  - Raw: one \`pg\` connection, named statements, parsed once and planned at each run
    (\`plan_cache_mode = force_custom_plan\`: a plan cached while the table is empty is a sequential scan).
    Per page: the store's own gap-safe read (same columns, order \`transaction_id, position\`, horizon and
    type filter, ${p.batchSize} events), then one transaction with one statement per event (the same INSERT and
    UPDATE, written by hand) and a compare-and-set UPDATE of its checkpoint row; until a page comes back
    short. Reset (DELETE, VACUUM, CHECKPOINT) untimed.
- Latency: a fresh instance runs the projection, caught up; ${p.latencySamples} timed samples per writer after
  ${p.latencyWarmup} untimed, the two writers taking turns. A sample is one \`EventStore.append\` of a deposit to an
  account of the history, timed from the resolved promise (the commit) until a query on a connection of its
  own, repeated back to back, sees the row at the new version. ${p.latencyGapMs} ms pass between samples, so that
  each append meets an idle runner.
`;
}

function renderCatchUp({ catchUp }: ProjectionResults): string {
  const ratio = catchUp.projection.eventsPerSecond / catchUp.raw.eventsPerSecond;
  const row = (label: string, side: CatchUpSide, verdict: string): string[] => [
    label,
    count(side.eventsPerSecond),
    side.roundRates.map(count).join(', '),
    `${(side.wallMs / 1000).toFixed(1)} s`,
    verdict,
  ];
  const table = markdownTable(
    ['Side', 'Events/s', 'Events/s per round', 'Time, all rounds', '÷ raw'],
    [
      row(
        '`@Projection`, TypeORM through `ProjectionContext.manager`',
        catchUp.projection,
        `${truncate(ratio, 2)} ${ratio >= TARGET_CATCH_UP_RATIO ? '✓' : '✗'}`,
      ),
      row('Hand-written `pg` loop', catchUp.raw, '1.00'),
    ],
  );
  return `${table}

Projection ÷ raw = **${truncate(ratio, 2)}** (events/s over all rounds of each side; ✓ when at least ${TARGET_CATCH_UP_RATIO}).
Both sides read the same pages and send the same INSERT or UPDATE per event, in one transaction per
page with a checkpoint update. On top of that, per event, the projection makes the envelope and the
event's class instance and has TypeORM's query builder write the SQL, sent as an unnamed statement that
the server parses each time; per page, it reads its checkpoint and the transaction horizon, and checks
connections out of the pool four times.`;
}

function renderLatency(latency: readonly VisibilityLatency[]): string {
  const rows = latency.map((l) => [
    l.writer === 'same instance'
      ? 'The instance running the projection'
      : 'Another instance (`subscriptions.run: false`)',
    WAKE_UP[l.writer],
    String(l.samples),
    formatMs(l.p50Ms),
    formatMs(l.p99Ms),
    formatMs(l.meanMs),
    formatMs(l.maxMs),
    l.p50Ms < TARGET_VISIBLE_P50_MS ? '✓' : '✗',
  ]);
  const table = markdownTable(
    [
      'Appends from',
      'Wakes the runner through',
      'Samples',
      'p50 ms',
      'p99 ms',
      'Mean ms',
      'Max ms',
      `p50 < ${TARGET_VISIBLE_P50_MS} ms`,
    ],
    rows,
  );
  const worst = Math.max(...latency.map((l) => l.maxMs));
  return `${table}

A runner nobody wakes looks again after its poll interval (${count(POLL_INTERVAL_MS)} ms by default); the slowest sample took
${formatMs(worst)} ms, so ${worst < POLL_INTERVAL_MS / 2 ? 'every change was picked up by a wake-up, none by the poll' : 'some changes may have waited for the poll'}.`;
}
