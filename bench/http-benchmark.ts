import type { BenchDatabase } from './bench-database';
import { httpParams, type HttpParams } from './http-config';
import { openAccounts, sendDeposits, type DepositLoad } from './http-load';
import { HttpSide, type HttpSideName, type Settled } from './http-side';
import type { ProjectionLag } from './projection-lag-probe';
import { median, percentile } from './stats';

/** One side's figures over all its timed rounds. */
export interface HttpSideResult {
  name: HttpSideName;
  /** Deposits answered 2xx in the timed rounds. */
  deposits: number;
  wallMs: number;
  depositsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Answers other than 2xx in the timed rounds, by status code. */
  non2xx: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Deposits/s of each round, in the order they ran. */
  roundRates: number[];
  /** Deposits per timed round: the warm-up's rate × the round length. */
  requestsPerRound: number;
  warmupRate: number;
  /** CPU time of the app's process per deposit (user + system, all threads); undefined without /proc. */
  appCpuMsPerDeposit: number | undefined;
  /** The accounts projection's lag sampled during the timed rounds (bank only): the most, and the longest catch-up. */
  projection: { maxLag: number; maxCatchUpMs: number; medianCatchUpMs: number } | undefined;
  /** Deposits/s with each round's time running until the reads showed all its deposits. */
  readsCurrentPerSecond: number;
  /** Deposits answered 2xx in all (warm-up included), and the sum of the balances at the end. */
  acknowledged: number;
  finalTotal: number;
}

/** Both sides of the HTTP part, measured in the same run. */
export interface HttpResults {
  params: HttpParams;
  bank: HttpSideResult;
  crud: HttpSideResult;
  /** The order the sides ran in, round by round. */
  order: string;
}

/** One side's running tally. */
interface Tally {
  side: HttpSide;
  loads: DepositLoad[];
  cpuMs: number[];
  /** After each timed round. */
  settled: Settled[];
  lags: ProjectionLag[];
  acknowledged: number;
  unanswered: number;
  total: number;
  warmupRate: number;
  requestsPerRound: number;
}

/**
 * The HTTP part of `npm run bench`: the bank app and the CRUD baseline, each in a process
 * of its own on an empty database of its own, both driven by autocannon from this process.
 * Opens the accounts, warms each side up, then runs the rounds in ABBA order; after every
 * load, waits until the side's reads show it and checks that the balances grew by the
 * deposits answered 2xx.
 */
export async function runHttpBenchmarks(
  databases: Record<HttpSideName, BenchDatabase>,
  quick: boolean,
  log: (line: string) => void,
): Promise<HttpResults> {
  const params = httpParams(quick);
  const sides: HttpSide[] = [];
  try {
    sides.push(await HttpSide.startBank(databases.bank));
    sides.push(await HttpSide.startCrud(databases.crud));
    const tallies = new Map<HttpSideName, Tally>();
    for (const side of sides) {
      log(
        `HTTP, ${side.name}: opening ${params.accounts} accounts, then ${params.warmupRequests} deposits to warm up…`,
      );
      side.accountIds = await openAccounts(side.app.baseUrl, params.accounts, params.openConcurrency);
      const tally = newTally(side);
      const { outcome: warmup } = await load(tally, params, params.warmupRequests);
      tally.warmupRate = warmup.ok / (warmup.wallMs / 1000);
      tally.requestsPerRound = Math.max(params.connections * 20, Math.round(tally.warmupRate * params.roundSeconds));
      tallies.set(side.name, tally);
    }
    await databases.bank.checkpoint();
    const order: HttpSideName[] = [];
    for (let round = 0; round < params.rounds; round++) {
      const pair: HttpSideName[] = round % 2 === 0 ? ['bank', 'crud'] : ['crud', 'bank'];
      for (const name of pair) {
        const tally = tallies.get(name)!;
        const { outcome, settled, cpuMs, lag } = await load(tally, params, tally.requestsPerRound);
        tally.loads.push(outcome);
        tally.settled.push(settled);
        if (lag) tally.lags.push(lag);
        if (cpuMs !== undefined) tally.cpuMs.push(cpuMs);
        order.push(name);
        const behind = lag
          ? `; projection up to ${lag.maxLag} events behind during the load, caught up ${lag.catchUpMs.toFixed(0)} ms after it`
          : '';
        log(`HTTP round ${round + 1}, ${name}: ${describeLoad(outcome)}${behind}`);
        // Untimed and server-wide: the next side should not pay for flushing this one's writes.
        await databases.bank.checkpoint();
      }
    }
    return {
      params,
      bank: summarize(tallies.get('bank')!),
      crud: summarize(tallies.get('crud')!),
      order: order.join(', '),
    };
  } finally {
    for (const side of sides) await side.close();
  }
}

function newTally(side: HttpSide): Tally {
  return {
    side,
    loads: [],
    cpuMs: [],
    settled: [],
    lags: [],
    acknowledged: 0,
    unanswered: 0,
    total: 0,
    warmupRate: 0,
    requestsPerRound: 0,
  };
}

/**
 * Sends `requests` deposits to the side, then waits until its reads show them and checks
 * the sum of the balances: it must equal the deposits answered 2xx so far, or exceed it by
 * no more than the requests left without an answer (which the app may have applied).
 * Also returns the CPU time the app used for it, the wait for its reads included (the
 * bank's projection may still be applying deposits when the last one is answered).
 */
async function load(
  tally: Tally,
  params: HttpParams,
  requests: number,
): Promise<{ outcome: DepositLoad; settled: Settled; cpuMs: number | undefined; lag: ProjectionLag | undefined }> {
  const { side } = tally;
  const cpuBefore = side.app.cpuMs();
  const probe = side.watchProjection();
  // The catch-up is timed from the last answer, not from autocannon's end (up to a second later).
  let caughtUp: Promise<ProjectionLag> | undefined;
  const outcome = await sendDeposits(side.app.baseUrl, side.accountIds, requests, params.connections, () => {
    caughtUp = probe?.finish();
    // Awaited below, once autocannon is done; until then a failure must not count as unhandled.
    caughtUp?.catch(() => undefined);
  });
  const lag = await (caughtUp ?? probe?.finish());
  tally.acknowledged += outcome.ok;
  tally.unanswered += outcome.errors;
  const settled = await side.settle();
  const cpuAfter = side.app.cpuMs();
  tally.total = settled.total;
  if (settled.total < tally.acknowledged || settled.total > tally.acknowledged + tally.unanswered) {
    throw new Error(
      `${side.name}: the balances add up to ${settled.total}, but ${tally.acknowledged} deposits of 1 were answered 2xx ` +
        `and ${tally.unanswered} not answered.\n${side.app.recentOutput()}`,
    );
  }
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return { outcome, settled, cpuMs, lag };
}

function summarize(tally: Tally): HttpSideResult {
  const { loads } = tally;
  const deposits = sumOf(loads.map((l) => l.ok));
  const wallMs = sumOf(loads.map((l) => l.wallMs));
  const latencies = loads.flatMap((l) => l.latenciesMs).sort((a, b) => a - b);
  const non2xx: Record<string, number> = {};
  for (const l of loads) for (const [code, n] of Object.entries(l.non2xx)) non2xx[code] = (non2xx[code] ?? 0) + n;
  return {
    name: tally.side.name,
    deposits,
    wallMs,
    depositsPerSecond: deposits / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: sumOf(latencies) / latencies.length,
    non2xx,
    errors: sumOf(loads.map((l) => l.errors)),
    timeouts: sumOf(loads.map((l) => l.timeouts)),
    roundRates: loads.map((l) => l.ok / (l.wallMs / 1000)),
    requestsPerRound: tally.requestsPerRound,
    warmupRate: tally.warmupRate,
    appCpuMsPerDeposit: tally.cpuMs.length === loads.length ? sumOf(tally.cpuMs) / deposits : undefined,
    projection:
      tally.lags.length > 0
        ? {
            maxLag: Math.max(...tally.lags.map((l) => l.maxLag)),
            maxCatchUpMs: Math.max(...tally.lags.map((l) => l.catchUpMs)),
            medianCatchUpMs: median(tally.lags.map((l) => l.catchUpMs)),
          }
        : undefined,
    readsCurrentPerSecond:
      deposits /
      ((wallMs + sumOf(tally.lags.map((l) => l.catchUpMs)) + sumOf(tally.settled.map((s) => s.waitedMs))) / 1000),
    acknowledged: tally.acknowledged,
    finalTotal: tally.total,
  };
}

function describeLoad(l: DepositLoad): string {
  const sorted = [...l.latenciesMs].sort((a, b) => a - b);
  const failures = Object.entries(l.non2xx).map(([code, n]) => `${n}× ${code}`);
  if (l.errors > 0) failures.push(`${l.errors} errors (${l.timeouts} timeouts)`);
  return (
    `${Math.round(l.ok / (l.wallMs / 1000))} deposits/s, p50 ${percentile(sorted, 50).toFixed(2)} ms, ` +
    `p99 ${percentile(sorted, 99).toFixed(2)} ms${failures.length > 0 ? `; ${failures.join(', ')}` : ''}`
  );
}

function sumOf(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0);
}
