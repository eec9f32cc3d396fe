import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAggregateBenchmarks } from './aggregate-benchmark';
import { renderAggregateSection, renderAggregateTables } from './aggregate-report';
import { loadBenchConfig } from './bench-config';
import { createBenchDatabase, type BenchDatabase } from './bench-database';
import { runHttpBenchmarks } from './http-benchmark';
import { renderHttpSection, renderHttpTables } from './http-report';
import { runProjectionBenchmarks } from './projection-benchmark';
import { renderProjectionSection, renderProjectionTables } from './projection-report';
import { renderResultsFile, type RunContext } from './report';
import { renderStoreSection, renderStoreTables, replaceStoreSection } from './store-report';
import { runStoreSection } from './store-section';
import { renderDcbSection, renderDcbTables, runDcbSection } from './dcb-section';
import { renderPartitionSection, renderPartitionTables, runPartitionSection } from './partition-section';
import { renderPublishSection, renderPublishTables, runPublishSection } from './publish-section';
import { renderReplicaSection, renderReplicaTables, runReplicaSection } from './replica-section';
import { renderAccessSection, renderAccessTables, runAccessSection } from './access-section';
import { renderPersonalDataSection, renderPersonalDataTables, runPersonalDataSection } from './personal-data-section';

// `npm run bench [-- --quick]`: the event store against a raw `pg` baseline, each
// measurement in a fresh process (store-section.ts), then the aggregates (loads with and
// without snapshots, command throughput), on the same database; then the projections
// (catch-up against a hand-written loop, append-to-read-model latency), in a second one;
// then deposits over HTTP, the bank app against a CRUD baseline, in a third and a fourth;
// last the decisions (DCB: conditional appends, readMatching over 1,000,000 tagged
// events, contended conditions), in a fifth; the authorization checks, in a sixth;
// personal data (appends with it against the same without, forget's latency), in a
// seventh; then publishing to JetStream from a 100,000-event store against a raw client, the
// catch-up of a projection by one process against two sharing 4 partitions, and reads
// through readReplica, in databases of their own. `--only=publish`, `partitions`,
// `replica` (full size) or `access` (alone, full size) rewrites its own section of results.md.
// All are dropped at the end, also when the run fails. `--only=store,http` runs some
// sections. A full run rewrites bench/results.md; a full-size `--only=store` rewrites its
// store section alone; quick and other partial runs leave it as it is.

const RESULTS_FILE = path.resolve(__dirname, '../../bench/results.md');

/** The run's databases, one per section (the store's and the aggregates' shared). */
type Databases = [BenchDatabase, BenchDatabase, BenchDatabase, BenchDatabase, BenchDatabase];

async function main(): Promise<void> {
  const config = loadBenchConfig(process.argv.slice(2), process.env);
  const date = new Date();
  const startedAt = process.hrtime.bigint();
  const databases = await createDatabases(config.adminUrl, 10);
  const [database, projectionDatabase, bankDatabase, crudDatabase, dcbDatabase] = databases as Databases;
  const [accessDatabase, publishDatabase, partitionDatabase, replicaDatabase] = databases.slice(5) as Databases;
  const personalDatabase = databases[9] as BenchDatabase;
  log(
    `Databases ${databases.map((d) => d.name).join(', ')} on PostgreSQL ${database.serverVersion}${config.quick ? ' (quick mode)' : ''}`,
  );
  const stopOnSignal = dropOnSignal(databases);
  try {
    const only = config.sections;
    const store = only.has('store') ? await runStoreSection(database, config.store, log) : undefined;
    if (store) log(`\n${renderStoreTables(store)}\n`);
    const aggregates = only.has('aggregates') ? await runAggregateBenchmarks(database, config, log) : undefined;
    if (aggregates) log(`\n${renderAggregateTables(aggregates)}\n`);
    const projections = only.has('projections')
      ? await runProjectionBenchmarks(projectionDatabase, config, log)
      : undefined;
    if (projections) log(`\n${renderProjectionTables(projections)}\n`);
    const http = only.has('http')
      ? await runHttpBenchmarks({ bank: bankDatabase, crud: crudDatabase }, config.quick, log)
      : undefined;
    if (http) log(`\n${renderHttpTables(http)}\n`);
    const dcb = only.has('dcb') ? await runDcbSection(dcbDatabase, config.quick, log) : undefined;
    if (dcb) log(`\n${renderDcbTables(dcb)}\n`);
    const access = only.has('access') ? await runAccessSection(accessDatabase, config.quick, log) : undefined;
    if (access) log(`\n${renderAccessTables(access)}\n`);
    const personal = only.has('personal')
      ? await runPersonalDataSection(personalDatabase, config.quick, log)
      : undefined;
    if (personal) log(`\n${renderPersonalDataTables(personal)}\n`);
    const concurrency = config.params.concurrency;
    const publish = only.has('publish')
      ? await runPublishSection(publishDatabase, config.quick, concurrency, log)
      : undefined;
    if (publish) log(`\n${renderPublishTables(publish)}\n`);
    const partitions = only.has('partitions')
      ? await runPartitionSection(partitionDatabase, config.quick, concurrency, log)
      : undefined;
    if (partitions) log(`\n${renderPartitionTables(partitions)}\n`);
    const replica = only.has('replica')
      ? await runReplicaSection(replicaDatabase, config.quick, concurrency, log)
      : undefined;
    if (replica) log(`\n${renderReplicaTables(replica)}\n`);
    const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    log(`Whole run: ${(durationMs / 1000).toFixed(1)} s`);
    if (!config.quick && (publish || partitions || replica || (access && only.size === 1))) {
      let text = await readFile(RESULTS_FILE, 'utf8');
      if (access && only.size === 1) text = replaceSection(text, '## Authorization', renderAccessSection(access));
      if (publish) text = replaceSection(text, '## Publishing to JetStream', renderPublishSection(publish));
      if (partitions) text = replaceSection(text, '## Partitioned catch-up', renderPartitionSection(partitions));
      if (replica)
        text = replaceSection(text, "## Reads on a replica: the routing's cost", renderReplicaSection(replica));
      await writeFile(RESULTS_FILE, text);
      log(
        `Wrote the sections run (publish, partitions, replica, access) of ${path.relative(process.cwd(), RESULTS_FILE)}`,
      );
    }
    if (config.quick || !store) {
      log('Quick run, or no store section: bench/results.md left as it is.');
      return;
    }
    const cpus = os.cpus();
    const context: RunContext = {
      date,
      quick: config.quick,
      nodeVersion: process.version,
      postgresVersion: database.serverVersion,
      cores: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
      totalMemoryBytes: os.totalmem(),
      durationMs,
    };
    const storeSection = renderStoreSection(store, context);
    if (aggregates && projections && http && dcb && access && personal && publish && partitions && replica) {
      const aggregateSection = renderAggregateSection(aggregates, config.params.concurrency, config.params.rounds);
      const sections = [
        storeSection,
        aggregateSection,
        renderProjectionSection(projections),
        renderHttpSection(http),
        renderDcbSection(dcb),
        renderAccessSection(access),
        renderPersonalDataSection(personal),
        renderPublishSection(publish),
        renderPartitionSection(partitions),
        renderReplicaSection(replica),
      ];
      await writeFile(RESULTS_FILE, renderResultsFile(context, sections));
      log(`Wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
    } else if (only.size === 1) {
      await writeFile(RESULTS_FILE, replaceStoreSection(await readFile(RESULTS_FILE, 'utf8'), storeSection));
      log(`Wrote the store section of ${path.relative(process.cwd(), RESULTS_FILE)}`);
    } else {
      log('Partial run: bench/results.md left as it is.');
    }
  } finally {
    stopOnSignal();
    for (const d of databases) {
      await d.drop();
      log(`Dropped ${d.name}`);
    }
  }
}

/**
 * `text` with the section under `heading` (to the next `## ` heading or the end)
 * replaced by `section`, or with `section` added at the end when it has none.
 */
function replaceSection(text: string, heading: string, section: string): string {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  const next = text.indexOf('\n## ', start + heading.length);
  return `${text.slice(0, start)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
}

/** Creates `n` databases, dropping those already made when one fails. */
async function createDatabases(adminUrl: string, n: number): Promise<BenchDatabase[]> {
  const databases: BenchDatabase[] = [];
  try {
    while (databases.length < n) databases.push(await createBenchDatabase(adminUrl));
  } catch (error) {
    for (const d of databases) await d.drop();
    throw error;
  }
  return databases;
}

/**
 * On Ctrl-C or SIGTERM, drops the databases (closing the run's connections by force) and
 * exits with 130 rather than leaving them behind. Returns a function removing the handlers.
 */
function dropOnSignal(databases: readonly BenchDatabase[]): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    log(`${signal}: dropping ${databases.map((d) => d.name).join(', ')} and stopping.`);
    const drops = databases.map((d) =>
      d.drop(0).catch((error: unknown) => console.error(`Could not drop ${d.name}:`, error)),
    );
    void Promise.all(drops).finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error);
  process.exitCode = 1;
});
