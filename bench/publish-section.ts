import path from 'node:path';
import type { BenchDatabase } from './bench-database';
import { count, markdownTable, ratioOf } from './markdown-format';
import { ProjectionApp } from './projection-app';
import type { ProjectionParams } from './projection-config';
import { seedHistory } from './projection-history';
import { publishParams, type PublishCellResult, type PublishCellSpec, type PublishParams } from './publish-config';
import { median } from './stats';
import { runCellProcess } from './store-cell-process';

// The publish section: every event of a 100,000-event store to JetStream, through the
// library's publisher against a raw `@nats-io/jetstream` loop with the same acks and
// checkpoints (publish-cell.ts). Each run in a fresh process, to a fresh stream, the
// sides in ABBA order round by round; figures are medians with min–max.

const CELL_MAIN = path.resolve(__dirname, 'publish-cell.js');

/** Every run of both sides. */
export interface PublishResults {
  params: PublishParams;
  events: number;
  runs: Record<PublishCellSpec['side'], PublishCellResult[]>;
  order: string;
}

/** Seeds the history (untimed), then runs the sides `rounds` times each, interleaved. */
export async function runPublishSection(
  database: BenchDatabase,
  quick: boolean,
  concurrency: number,
  log: (line: string) => void,
): Promise<PublishResults> {
  const params = publishParams(quick, process.env);
  const control = await ProjectionApp.open(database.url, {
    run: false,
    batchSize: params.batchSize,
    applicationName: 'bench-publish-seed',
  });
  try {
    await seedHistory(control.store, params as unknown as ProjectionParams, concurrency);
    await control.dataSource.query('VACUUM ANALYZE es_events, es_streams');
  } finally {
    await control.close();
  }
  const events = params.accounts * params.eventsPerAccount;
  log(`Publish: seeded ${count(events)} events; publishing to JetStream at ${params.natsUrl}`);
  await database.checkpoint();
  const runs: PublishResults['runs'] = { library: [], raw: [] };
  const order: string[] = [];
  for (let round = 0; round < params.rounds; round++) {
    const pair: PublishCellSpec['side'][] = round % 2 === 0 ? ['library', 'raw'] : ['raw', 'library'];
    for (const side of pair) {
      const cellId = `${side}${round}${Date.now().toString(36)}`;
      const spec: PublishCellSpec = { url: database.url, side, cellId, params };
      const result = await runCellProcess<PublishCellResult>(CELL_MAIN, spec, `publish-${cellId}`);
      runs[side].push(result);
      order.push(side);
      log(
        `Publish ${round + 1}, ${side}: ${result.eventsPerSecond.toFixed(0)} events/s (${result.wallMs.toFixed(0)} ms)`,
      );
    }
  }
  return { params, events, runs, order: order.join(', ') };
}

/** The section's table: events/s per side (median, min–max), then library ÷ raw per round. */
export function renderPublishTables(results: PublishResults): string {
  const row = (label: string, runs: PublishCellResult[]): string[] => {
    const rates = runs.map((r) => r.eventsPerSecond);
    return [label, count(median(rates)), `${count(Math.min(...rates))}–${count(Math.max(...rates))}`];
  };
  const table = markdownTable(
    ['Side', 'events/s (median)', 'min–max'],
    [
      row('Library publisher (durable subscriber → JetStream)', results.runs.library),
      row('Raw @nats-io/jetstream loop, same pages, acks and checkpoint', results.runs.raw),
    ],
  );
  const ratios = results.runs.library.map((l, i) => l.eventsPerSecond / results.runs.raw[i]!.eventsPerSecond);
  const ratio =
    median(results.runs.library.map((r) => r.eventsPerSecond)) / median(results.runs.raw.map((r) => r.eventsPerSecond));
  return `${table}\n\nLibrary ÷ raw = **${ratioOf(ratio, 1)}** (medians; per round ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); target ≥ 0.7.`;
}

/** The section of results.md. */
export function renderPublishSection(results: PublishResults): string {
  return `## Publishing to JetStream

Every event of a ${count(results.events)}-event store (${results.params.accounts} accounts, seeded untimed) published to a fresh JetStream stream, each run in a fresh process, timed from the start of publishing to the last PubAck and checkpoint; ${results.params.rounds} runs per side in ABBA order (${results.order}). Pages of ${results.params.batchSize} events on both sides: every message of a page in flight at once with \`Nats-Msg-Id\` = event id and the same nine headers, all acks awaited, then the checkpoint written. Each run checks that the stream holds every event once.

${renderPublishTables(results)}
`;
}
