import { parseOptionsJson } from './options-json';

/** The sizes of the store section; every side runs every workload with the same ones. */
export interface StoreParams {
  /** Connections in each side's pool (the store's `poolSize`, the raw `pg.Pool`'s `max`). */
  poolSize: number;
  /** Workloads 2 and 5, and the warm-up: async writers at once. */
  writers: number;
  /** Untimed single-event appends per cell before its workload, over `writers` throw-away streams. */
  warmupAppends: number;
  /** W1: single-event appends to one stream, one after another. */
  sequentialAppends: number;
  /** W2: streams, each written by one writer with this many single-event appends. */
  concurrentStreams: number;
  appendsPerStream: number;
  /** W3: new streams, each given one append of `batchSize` events. */
  batchStreams: number;
  batchSize: number;
  /** W4: events of the stream rehydrated, and rehydrations per run. */
  rehydrateEvents: number;
  rehydrations: number;
  /** W5: successful appends, all writers on one stream. */
  contendedAppends: number;
  /** W6: streams × events seeded (one append per stream), read `globalPasses` times in pages. */
  globalStreams: number;
  globalEventsPerStream: number;
  globalPageSize: number;
  globalPasses: number;
  /** Events per append when seeding W4's stream (untimed). */
  seedBatchSize: number;
}

/** A store side: a name for the report and the `EventSourcingModule.forRoot` options it adds. */
export interface StoreVariant {
  name: string;
  options: Record<string, unknown>;
}

/**
 * The store variants every run measures unless `--variant` names others: each runs every
 * workload as a side of its own, interleaved with the raw baseline and the other variants.
 * Adding one is adding a line here (or passing `--variant 'name={...}'`).
 */
export const DEFAULT_VARIANTS: readonly StoreVariant[] = [
  { name: 'default', options: {} },
  { name: 'no-group-commit', options: { appendsInFlight: Number.POSITIVE_INFINITY } },
  { name: 'no-known-versions', options: { writePath: { knownVersions: false } } },
  { name: 'no-stream-lanes', options: { writePath: { streamLanes: false } } },
  { name: 'no-text-rows', options: { writePath: { textRows: false } } },
  { name: 'no-notify-interval', options: { subscriptions: { notifyIntervalMs: 0 } } },
];

/** What the store section runs: how often, which sides, what sizes. */
export interface StoreSectionConfig {
  /** Runs per cell (workload × side), each in a fresh process. */
  runs: number;
  variants: readonly StoreVariant[];
  params: StoreParams;
}

const FULL: StoreParams = {
  poolSize: 16,
  writers: 16,
  warmupAppends: 64,
  sequentialAppends: 2_000,
  concurrentStreams: 1_000,
  appendsPerStream: 10,
  batchStreams: 100,
  batchSize: 100,
  rehydrateEvents: 10_000,
  rehydrations: 10,
  contendedAppends: 500,
  globalStreams: 500,
  globalEventsPerStream: 100,
  globalPageSize: 1_000,
  globalPasses: 2,
  seedBatchSize: 1_000,
};

/** Quick mode: counts of streams, appends and events ÷ 10; shapes (batch, page, writers) stay. */
const QUICK: StoreParams = {
  ...FULL,
  sequentialAppends: 200,
  concurrentStreams: 100,
  batchStreams: 10,
  rehydrateEvents: 1_000,
  contendedAppends: 50,
  globalStreams: 50,
};

/** The store section for a full or quick run, with `variants` (from `--variant`) if any. */
export function storeSectionConfig(quick: boolean, variants: readonly StoreVariant[]): StoreSectionConfig {
  return {
    runs: quick ? 3 : 5,
    variants: variants.length > 0 ? variants : DEFAULT_VARIANTS,
    params: quick ? QUICK : FULL,
  };
}

/** Reads `name={options JSON}`, as `--variant` takes it; `Infinity` may stand bare in the JSON. */
export function parseVariant(arg: string): StoreVariant {
  const equals = arg.indexOf('=');
  const name = arg.slice(0, Math.max(0, equals));
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name === 'raw') {
    throw new Error(
      `--variant takes name={options JSON}, the name in lower-case letters, digits and dashes, not "raw"; got "${arg}".`,
    );
  }
  let options: unknown;
  try {
    options = parseOptionsJson(arg.slice(equals + 1));
  } catch (error) {
    throw new Error(`--variant ${name}: the options are not JSON (${String(error)}).`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`--variant ${name}: the options must be a JSON object, such as {"appendsInFlight":Infinity}.`);
  }
  return { name, options: options as Record<string, unknown> };
}
