import type { BenchSide } from './bench-side';
import { RawPgSide } from './raw-pg-side';
import { OperationTimer } from './stats';
import { StoreAppSide } from './store-app-side';
import { readCellSpec, type CellResult, type CellSpec } from './store-cell-process';
import { STORE_WORKLOADS, warmUp } from './store-workloads';

// One cell of the store section, in a process of its own: opens its side (boot untimed),
// warms up, runs the workload once (timed), checks it (untimed) and prints
// `{"result":{...}}` on stdout. store-section.ts starts it with the cell's spec as argv[2].

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2));
  const workload = STORE_WORKLOADS.find((w) => w.id === spec.workload);
  if (!workload) throw new Error(`No store workload ${spec.workload}.`);
  const side = await openSide(spec);
  try {
    const { params } = spec;
    const streams = (name: string): string => `bench-${spec.cellId}-${name}`;
    await warmUp(side, params, spec.cellId);
    const timer = new OperationTimer();
    timer.start();
    const outcome = await workload.run(side, params, timer, streams);
    timer.stop();
    await workload.check?.(side, params, streams);
    const { events, operations, wallMs, eventsPerSecond, p50Ms, p99Ms } = timer.stats(outcome.events);
    const result: CellResult = { events, operations, wallMs, eventsPerSecond, p50Ms, p99Ms, retries: outcome.retries };
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await side.close();
  }
}

async function openSide(spec: CellSpec): Promise<BenchSide> {
  const { url, params } = spec;
  if (spec.side === 'raw') return RawPgSide.open(url, params.poolSize);
  return StoreAppSide.open(url, params.poolSize, spec.options ?? {});
}

main().catch((error: unknown) => {
  console.error('Store cell failed:', error);
  process.exitCode = 1;
});
