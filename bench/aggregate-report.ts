import type { AggregateParams } from './aggregate-config';
import type { HistoryLoads } from './aggregate-loads';
import { SNAPSHOT_EVERY } from './bench-account';
import type { CommandThroughput, ThroughputResult } from './command-throughput';
import { count, formatMs, formatSeconds, markdownTable, ratioOf, truncate } from './markdown-format';

/** Snapshotted loads of the compared history must be at least this many times faster (p50). */
export const TARGET_SPEEDUP = 20;
/** "Flat": the longest history's snapshotted p50 is at most this many times the shortest's. */
export const FLAT_FACTOR = 2;

/** Everything the aggregate part measured. */
export interface AggregateResults {
  params: AggregateParams;
  loads: HistoryLoads[];
  throughput: CommandThroughput;
}

/** The three tables, each under its heading and with its verdict: for stdout and results.md. */
export function renderAggregateTables(results: AggregateResults): string {
  return [
    `### 1. Load a ${count(results.params.comparedHistory)}-event aggregate`,
    renderComparison(results),
    '### 2. Load time as the history grows',
    renderGrowth(results),
    '### 3. Command throughput',
    renderThroughput(results.throughput),
  ].join('\n\n');
}

/** The aggregate section of results.md: the tables, then what was measured and how. */
export function renderAggregateSection(results: AggregateResults, concurrency: number, rounds: number): string {
  const p = results.params;
  const t = results.throughput;
  return `## Aggregates

An application context wired as an application is (\`CqrsModule.forRoot()\`,
\`EventSourcingModule.forRoot({ database, poolSize })\`, \`forFeature({ aggregates })\`) on the
same database, after the part above. The aggregate, \`BenchAccount\` (\`@Aggregate('benchacct')\`),
applies \`Deposited\` (\`bench.deposited\`, \`{ amount }\`); \`SnapshottedBenchAccount\` is the same
class with \`snapshots: { every: ${SNAPSHOT_EVERY} }\`, on the same streams.

${renderAggregateTables(results)}

### How it was measured

- Histories (workloads 1 and 2), seeded untimed: n − 1 deposits appended with
  \`EventStore.append\` in batches, then one load through the snapshotted repository (a full replay: no snapshot yet)
  and one save, which stores the snapshot at version n, then ${SNAPSHOT_EVERY - 1} more deposits. So each
  history has n + ${SNAPSHOT_EVERY - 1} events and a snapshotted load reads the snapshot and ${SNAPSHOT_EVERY - 1} events, the
  most the policy ever leaves: these are worst-case snapshotted loads. Then VACUUM ANALYZE and a CHECKPOINT.
- A load is \`repository.load(id)\`, checked (version, balance). Per history, ${p.warmupLoads} untimed and
  ${p.loads} timed loads per repository, alternating which goes first. A no-snapshot series is skipped
  when one replay (timed while seeding) × ${p.loads + p.warmupLoads} loads exceeds ${p.replayBudgetMs / 1000} s.
- Throughput (workload 3): four sides on ${count(p.aggregates)} streams each, opened untimed (the commands
  side with an \`OpenBenchAccount\` command), then ${p.warmupOperations} untimed operations per side, then
  ${rounds} rounds × ${count(p.operationsPerRound)} operations per side by ${concurrency} workers, the side order reversed
  every round (${t.order}). Operation k goes to stream k mod ${count(p.aggregates)}.
  - appends: \`EventStore.append\` of one \`bench.deposited\` event with the exact expected version,
    tracked by the writer: one round trip.
  - readStream + append: \`readStream(id)\` (the stream is short), then \`append\` after its last
    version: the two round trips of a load-and-save, without the aggregate.
  - commands: \`CommandBus.execute(new DepositToBenchAccount(id, 1))\`; the \`@CommandHandler\` loads
    \`BenchAccount\` from its \`AggregateRepository\`, applies one \`Deposited\` and saves (events
    published on the \`EventBus\`, correlation and causation ids in the metadata, the library's
    retry on \`ConcurrencyError\`).
  - warm commands: the same, in a second application context on the same database with
    \`warmAggregates: ${count(p.aggregates)}\`: a command on an account this context saved before takes
    it from memory, so its handler's load reads nothing and its save is the one round trip.
- Latency (p50, p99, mean) is per operation, retries included; ops/s is operations ÷ wall time
  of the side's rounds. The handler's load and save times are measured inside \`execute\` and
  include waiting for the event loop and for a pooled connection.
`;
}

function renderComparison({ params, loads }: AggregateResults): string {
  const compared = loads.find((l) => l.snapshotVersion === params.comparedHistory);
  if (!compared?.plain) throw new Error(`No loads of the ${params.comparedHistory}-event history to compare.`);
  const speedup = compared.plain.p50Ms / compared.snapshotted.p50Ms;
  const rows = [
    [
      '`BenchAccount` (no snapshots)',
      count(compared.events),
      formatMs(compared.plain.p50Ms),
      formatMs(compared.plain.p99Ms),
      '1×',
    ],
    [
      `\`SnapshottedBenchAccount\` (every ${SNAPSHOT_EVERY})`,
      `snapshot + ${SNAPSHOT_EVERY - 1}`,
      formatMs(compared.snapshotted.p50Ms),
      formatMs(compared.snapshotted.p99Ms),
      `${truncate(speedup, 1)}× ${speedup >= TARGET_SPEEDUP ? '✓' : '✗'}`,
    ],
  ];
  const table = markdownTable(['Repository', 'Events read per load', 'p50 ms', 'p99 ms', 'Speed-up (p50)'], rows);
  return `${table}

${compared.snapshotted.operations} loads each of one aggregate with ${count(compared.events)} events (snapshot at ${count(compared.snapshotVersion)}).
Speed-up is no-snapshot p50 ÷ snapshotted p50; ✓ when at least ${TARGET_SPEEDUP}×.`;
}

function renderGrowth({ params, loads }: AggregateResults): string {
  const rows = loads.map((l) => [
    `${count(l.events)} (snapshot at ${count(l.snapshotVersion)})`,
    formatMs(l.snapshotted.p50Ms),
    formatMs(l.snapshotted.p99Ms),
    l.plain ? formatMs(l.plain.p50Ms) : 'skipped',
    l.plain ? formatMs(l.plain.p99Ms) : 'skipped',
    l.plain ? `${formatSeconds(l.plain.wallMs)} for ${l.plain.operations} loads` : skipNote(l, params),
  ]);
  const table = markdownTable(
    [
      'History (events)',
      'Snapshots p50 ms',
      'Snapshots p99 ms',
      'No snapshots p50 ms',
      'No snapshots p99 ms',
      'No-snapshot series',
    ],
    rows,
  );
  const first = loads[0]!;
  const last = loads.at(-1)!;
  const factor = last.snapshotted.p50Ms / first.snapshotted.p50Ms;
  const flat = factor <= FLAT_FACTOR;
  return `${table}

${flat ? 'Flat ✓' : 'Not flat ✗'}: with snapshots, the ${count(last.events)}-event p50 is ${truncate(factor, 2)}× the ${count(first.events)}-event p50 (flat means ≤ ${FLAT_FACTOR}×).`;
}

function skipNote(l: HistoryLoads, params: AggregateParams): string {
  return `skipped: one replay took ${formatSeconds(l.seedReplayMs)}, so ${params.loads + params.warmupLoads} loads ≈ ${formatSeconds(l.plainEstimateMs)} > ${formatSeconds(params.replayBudgetMs)}`;
}

function renderThroughput(t: CommandThroughput): string {
  const base = t.appends.stats.eventsPerSecond;
  const row = (label: string, r: ThroughputResult): string[] => [
    label,
    count(r.stats.eventsPerSecond),
    formatMs(r.stats.p50Ms),
    formatMs(r.stats.p99Ms),
    formatMs(r.stats.meanMs),
    ratioOf(r.stats.eventsPerSecond, base),
    String(r.retries),
  ];
  const table = markdownTable(
    ['Path', 'Ops/s', 'p50 ms', 'p99 ms', 'Mean ms', '÷ appends/s', 'Retries'],
    [
      row('`EventStore.append` (1 event, exact version)', t.appends),
      row('`readStream` + `append` (no aggregate)', t.readThenAppend),
      row('`CommandBus.execute` → load, apply, save', t.commands),
      row('The same with `warmAggregates`', t.warmCommands),
    ],
  );
  const mean = t.commands.stats.meanMs;
  const rest = mean - t.handlerLoadMs - t.handlerSaveMs;
  const share = (ms: number): string => `${Math.round((ms / mean) * 100)}%`;
  const ratio = (r: ThroughputResult): string => ratioOf(r.stats.eventsPerSecond, base);
  return `${table}

Commands/s ÷ appends/s = **${ratio(t.commands)}**. A command is a read (the load), then an append (the
save): two round trips where an append is one, so about 0.5 is its natural ceiling (it can be a
little more, as a read costs the server less than a committed write). Reading and appending without the
aggregate (readStream + append) reaches ${ratio(t.readThenAppend)}; commands reach
${ratioOf(t.commands.stats.eventsPerSecond, t.readThenAppend.stats.eventsPerSecond)} of that, the rest being the cost of the aggregate layer.
Where a command's ${formatMs(mean)} ms (mean latency) goes: the handler's load ${formatMs(t.handlerLoadMs)} ms (${share(t.handlerLoadMs)}:
reading the stream, mapping and applying its events), its save ${formatMs(t.handlerSaveMs)} ms (${share(t.handlerSaveMs)}: the append,
then publishing on the EventBus), and ${formatMs(rest)} ms (${share(rest)}) around them: command bus, message context
and retry wrapper. With warm aggregates the load reads nothing: commands reach ${ratio(t.warmCommands)} of the append rate.`;
}
