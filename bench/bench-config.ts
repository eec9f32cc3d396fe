/** The sizes of one benchmark run; both sides run every workload with the same ones. */
export interface BenchParams {
  /** Times each side runs each workload, in ABBA order; the figures cover all rounds. */
  rounds: number;
  /**
   * The same for the store's six workloads, which are short (a batch round takes well
   * under a second): more rounds, so that a checkpoint or an autovacuum landing in one
   * of them moves the ratio less.
   */
  storeRounds: number;
  /** Untimed single-event appends per side before anything is measured. */
  warmupAppends: number;
  /** Workload 1: single-event appends to one stream, one after another. */
  sequentialAppends: number;
  /** Workload 2: streams written concurrently, each with this many single-event appends. */
  concurrentStreams: number;
  appendsPerStream: number;
  /** Workloads 2 and 5: async workers running at once. */
  concurrency: number;
  /** Workload 3: appends of `batchSize` events, all to one stream. */
  batchAppends: number;
  batchSize: number;
  /** Workload 4: events of the stream read whole, `readRepeats` times. */
  readStreamEvents: number;
  readRepeats: number;
  /** Workload 5: single-event appends per writer, all writers on one stream. */
  appendsPerWriter: number;
  /** Workload 6: events read in global order, `globalPageSize` per page, `globalPasses` times. */
  globalEvents: number;
  globalPageSize: number;
  globalPasses: number;
  /** Events per append when seeding the read workloads (untimed). */
  seedBatchSize: number;
}

/** The parts of a run, in the order they run. */
export const BENCH_SECTIONS = ['store', 'aggregates', 'projections', 'http'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** What the command line and environment ask of a run. */
export interface BenchConfig {
  quick: boolean;
  /** The sections to run: all by default, or those `--only=a,b` names. */
  sections: ReadonlySet<BenchSection>;
  /** The server's admin URL; the run creates and drops a database of its own on it. */
  adminUrl: string;
  /** Pool size of both sides. */
  poolSize: number;
  params: BenchParams;
}

const FULL: BenchParams = {
  rounds: 4,
  storeRounds: 16,
  warmupAppends: 300,
  sequentialAppends: 2_000,
  concurrentStreams: 1_000,
  appendsPerStream: 10,
  concurrency: 16,
  batchAppends: 100,
  batchSize: 100,
  readStreamEvents: 10_000,
  readRepeats: 10,
  appendsPerWriter: 50,
  globalEvents: 50_000,
  globalPageSize: 1_000,
  globalPasses: 3,
  seedBatchSize: 1_000,
};

/** Counts of events and operations shrink by 10 in quick mode; shapes (batch, page, workers) stay. */
const SCALED: readonly (keyof BenchParams)[] = [
  'sequentialAppends',
  'concurrentStreams',
  'batchAppends',
  'readStreamEvents',
  'appendsPerWriter',
  'globalEvents',
];

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Reads `--quick` (or `BENCH_QUICK=1`), `--only=<sections>` and `DATABASE_URL`. */
export function loadBenchConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const unknown = argv.filter((arg) => arg !== '--quick' && !arg.startsWith('--only='));
  if (unknown.length > 0) {
    throw new Error(`Unknown argument ${unknown.join(' ')}; the options are --quick and --only=<sections>.`);
  }
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const sections = readSections(argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length));
  const params = { ...FULL };
  if (quick) for (const key of SCALED) params[key] = Math.max(1, Math.round(params[key] / 10));
  return { quick, sections, adminUrl: env.DATABASE_URL || DEFAULT_ADMIN_URL, poolSize: 20, params };
}

function readSections(list: string | undefined): ReadonlySet<BenchSection> {
  if (list === undefined) return new Set(BENCH_SECTIONS);
  const names = list.split(',').filter(Boolean);
  const unknown = names.filter((name) => !(BENCH_SECTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of ${BENCH_SECTIONS.join(', ')}; got "${list}".`);
  }
  return new Set(names as BenchSection[]);
}
