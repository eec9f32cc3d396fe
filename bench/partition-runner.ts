import { BALANCES_PROJECTION } from './bench-balances.projection';
import { ProjectionApp } from './projection-app';
import { readCellSpec } from './store-cell-process';

// One process of the partitions section: boots the bench projection with the module's
// defaults and `partitions` of the spec (the checkpoints were made paused by the
// section), says `ready`, resumes the projection when told `resume` (which wakes the
// other process too, through NOTIFY) and closes when told `stop`.

interface RunnerSpec {
  url: string;
  batchSize: number;
  partitions: number;
  applicationName: string;
}

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as RunnerSpec;
  const app = await ProjectionApp.open(spec.url, {
    run: true,
    batchSize: spec.batchSize,
    applicationName: spec.applicationName,
    partitions: spec.partitions,
  });
  process.on('message', (message) => {
    if (message === 'resume') {
      void app.subscriptions.resume(BALANCES_PROJECTION).then(() => process.send?.('resumed'));
    } else if (message === 'stop') {
      void app.close().then(() => process.exit(0));
    }
  });
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
