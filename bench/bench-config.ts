import { parseVariant, storeSectionConfig, type StoreSectionConfig, type StoreVariant } from './store-config';

/** Sizes the aggregate and projection sections share. */
export interface BenchParams {
  /** Times each side runs each workload, in ABBA order; the figures cover all rounds. */
  rounds: number;
  /** Async workers running at once. */
  concurrency: number;
  /** Events per append when seeding histories (untimed). */
  seedBatchSize: number;
}

/** The parts of a run, in the order they run. */
export const BENCH_SECTIONS = [
  'store',
  'aggregates',
  'projections',
  'http',
  'dcb',
  'access',
  'personal',
  'publish',
  'partitions',
  'replica',
] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** What the command line and environment ask of a run. */
export interface BenchConfig {
  quick: boolean;
  /** The sections to run: all by default, or those `--only=a,b` names. */
  sections: ReadonlySet<BenchSection>;
  /** The server's admin URL; the run creates and drops databases of its own on it. */
  adminUrl: string;
  /** Pool size of the aggregate section's applications. */
  poolSize: number;
  params: BenchParams;
  store: StoreSectionConfig;
}

const PARAMS: BenchParams = { rounds: 4, concurrency: 16, seedBatchSize: 1_000 };

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const USAGE = "the options are --quick, --only=<sections> and --variant 'name={options JSON}' (repeatable)";

/**
 * Reads `--quick` (or `BENCH_QUICK=1`), `--only=<sections>`, `--variant name=<json>` (or
 * `--variant=name=<json>`; given any, they replace the default store variants) and `DATABASE_URL`.
 */
export function loadBenchConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  let quick = env.BENCH_QUICK === '1';
  let only: string | undefined;
  const variants: StoreVariant[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length);
    else if (arg.startsWith('--variant=')) variants.push(parseVariant(arg.slice('--variant='.length)));
    else if (arg === '--variant' && argv[i + 1] !== undefined) variants.push(parseVariant(argv[++i]!));
    else throw new Error(`Unknown argument ${arg}; ${USAGE}.`);
  }
  const duplicate = variants.find((v, i) => variants.findIndex((w) => w.name === v.name) !== i);
  if (duplicate) throw new Error(`--variant ${duplicate.name} is given twice.`);
  return {
    quick,
    sections: readSections(only),
    adminUrl: env.DATABASE_URL || DEFAULT_ADMIN_URL,
    poolSize: 20,
    params: PARAMS,
    store: storeSectionConfig(quick, variants),
  };
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
