import { Client } from 'pg';
import { DEPOSITED_TYPE } from './bench-account';
import { ProjectionApp } from './projection-app';
import type { ProjectionParams } from './projection-config';
import { accountStream, depositAmount } from './projection-history';
import { percentile } from './stats';

/** Who appends, and so what wakes the projection's runner. */
export type Writer = 'same instance' | 'other instance';

/** Append commit → read model visible, for one writer. */
export interface VisibilityLatency {
  writer: Writer;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

/** A change not visible after this long fails the run (the runner's poll is 1 s). */
const VISIBLE_WITHIN_MS = 10_000;

/** The row of an account in the projection's read model, read on a connection of its own. */
const READ_VERSION = 'SELECT version FROM bench_balances WHERE account = $1';

/**
 * With the projection running and caught up, and nothing else of the run going on, appends one
 * deposit at a time and times each from the append's promise resolving (the commit) until
 * the read model's row shows it. Two writers take turns, sample by sample:
 * - the instance that runs the projection: its store wakes the runner in process;
 * - `other`, an instance with `subscriptions.run` false: it can only wake the runner
 *   through PostgreSQL (NOTIFY on its subscription connection, LISTEN on the runner's).
 */
export async function measureVisibility(
  url: string,
  other: ProjectionApp,
  p: ProjectionParams,
): Promise<VisibilityLatency[]> {
  const runner = await ProjectionApp.openRunner(url, p.batchSize);
  const probe = new Client({ connectionString: url, application_name: 'bench-latency-probe' });
  probe.on('error', (error) => console.error(`latency probe: connection failed: ${error.message}`));
  try {
    await probe.connect();
    await runner.subscriptions.waitUntilCaughtUp(undefined, { timeoutMs: 60_000 });
    const writers: [Writer, ProjectionApp][] = [
      ['same instance', runner],
      ['other instance', other],
    ];
    const timings = new Map<Writer, number[]>(writers.map(([writer]) => [writer, []]));
    const versions = new Map<number, number>();
    let appends = 0;
    for (let sample = 0; sample < p.latencyWarmup + p.latencySamples; sample++) {
      for (const [writer, app] of writers) {
        const account = appends++ % p.accounts;
        const current = versions.get(account) ?? p.eventsPerAccount;
        const ms = await appendAndWatch(app, probe, account, current);
        versions.set(account, current + 1);
        if (sample >= p.latencyWarmup) timings.get(writer)!.push(ms);
        await new Promise((resolve) => setTimeout(resolve, p.latencyGapMs));
      }
    }
    return writers.map(([writer]) => summarize(writer, timings.get(writer)!));
  } finally {
    await probe.end().catch(() => undefined);
    await runner.close();
  }
}

/**
 * Appends one deposit to an account of the history, at the account's exact version, and
 * polls the read model back to back until the row has the new version; returns the time
 * from the append's promise resolving to that poll's answer.
 * @throws Error when the row has not changed within `VISIBLE_WITHIN_MS`.
 */
async function appendAndWatch(app: ProjectionApp, probe: Client, account: number, current: number): Promise<number> {
  const streamId = accountStream(account);
  const { streamVersion } = await app.store.append(
    streamId,
    [{ type: DEPOSITED_TYPE, data: { amount: depositAmount(account, current + 1) } }],
    { expectedVersion: current },
  );
  const committed = process.hrtime.bigint();
  for (;;) {
    const { rows } = await probe.query<{ version: number }>(READ_VERSION, [streamId]);
    const ms = Number(process.hrtime.bigint() - committed) / 1e6;
    if ((rows[0]?.version ?? 0) >= streamVersion) return ms;
    if (ms > VISIBLE_WITHIN_MS) throw new Error(`${streamId}@${streamVersion} not in the read model after ${ms} ms.`);
  }
}

function summarize(writer: Writer, timings: number[]): VisibilityLatency {
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    writer,
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}
