import type { HttpResults, HttpSideResult } from './http-benchmark';
import { count, formatMs, markdownTable, ratioOf } from './markdown-format';

/** Bank deposits/s ÷ CRUD baseline deposits/s that the HTTP figure must reach. */
export const TARGET_HTTP_RATIO = 0.5;

const LABELS = {
  bank: 'Bank app (`CommandBus`: load (warm), apply, save; projection in the same process)',
  crud: 'CRUD baseline (Nest + TypeORM, one `UPDATE … RETURNING`)',
} as const;

/** The table, the ratio with its verdict, and the balance check: for stdout and results.md. */
export function renderHttpTables(results: HttpResults): string {
  const { bank, crud } = results;
  const ratio = bank.depositsPerSecond / crud.depositsPerSecond;
  const verdict = ratio >= TARGET_HTTP_RATIO ? '✓' : '✗';
  return `${renderTable(results)}

Bank ÷ CRUD = **${ratioOf(bank.depositsPerSecond, crud.depositsPerSecond)}** ${verdict} (deposits/s over all rounds of each side;
✓ when at least ${TARGET_HTTP_RATIO}). The bank answers a deposit once its event is stored; its accounts projection follows:
during the loads it was up to ${count(bank.projection?.maxLag ?? 0)} events behind, and caught up ${count(bank.projection?.maxCatchUpMs ?? 0)} ms after a load's last answer at most.
Counting that time in, the bank makes ${count(bank.readsCurrentPerSecond)} deposits/s.
${renderBalances(results)}`;
}

/** The HTTP section of results.md: the table, then what was measured and how. */
export function renderHttpSection(results: HttpResults): string {
  const p = results.params;
  const { bank, crud } = results;
  return `## HTTP: deposits against a CRUD baseline

The bank app as \`npm start\` runs it (\`dist/apps/bank/src/main.js\`), against a minimal Nest + TypeORM app
with one row per account (\`bench/crud-baseline-app.ts\`), each in a Node process of its own on an empty
database of its own, after the parts above. autocannon drives both from the benchmark's process:
\`POST /accounts/:id/deposits\` with \`{"amount":1}\`, ${p.connections} connections, over ${count(p.accounts)} accounts.

${renderHttpTables(results)}

### How it was measured

- The two apps share the Express platform, the body limit (64 kB), a \`ValidationPipe\` (whitelist,
  forbidNonWhitelisted, transform) on a class-validator DTO (\`@IsInt() @IsPositive()\`), and the pool size (10).
  - Bank, per deposit: the correlation-id middleware, the Idempotency-Key and ETag interceptors, then
    \`DepositMoney\` through the \`CommandBus\`: the aggregate taken warm when this process saved it before
    (the app runs with \`warmAggregates: 10_000\`; otherwise loaded: snapshot lookup, then its stream), one
    event appended with the expected version (a stale warm copy fails it, and the library runs the command
    again on the stored stream) and published. The accounts projection, in the same process, applies the
    events to the read model afterwards (one statement per deposit: the balance and the statement line), in
    batches with its checkpoint.
  - CRUD: one query-builder \`UPDATE … SET balance = balance + :amount WHERE id = :id RETURNING balance\`
    (404 when no row), answering \`{ id, balance }\`.
- The apps run as child processes, autocannon in the benchmark's own: on a machine of few cores, an app
  and its load generator on one event loop would take turns, and the generator's work would count as the app's.
  PostgreSQL shares the same cores with all three.
- Each side: ${count(p.accounts)} accounts opened with \`POST /accounts\` (untimed), then ${count(p.warmupRequests)}
  deposits to warm up (JIT, pools, caches), whose rate sets the round size (about ${p.roundSeconds} s of deposits:
  bank ${count(bank.requestsPerRound)}, CRUD ${count(crud.requestsPerRound)} requests per round; warm-up rates
  ${count(bank.warmupRate)} and ${count(crud.warmupRate)} deposits/s). Then ${p.rounds} timed rounds per side, ABBA:
  ${results.order}.
- A round sends a fixed number of requests and waits for every answer (a duration would cut requests off in
  flight, which the app still applies, and the balances could not be checked exactly). Accounts are taken
  round-robin, so the ${p.connections} requests in flight nearly always go to ${p.connections} different accounts.
  Deposits/s is 2xx answers ÷ wall time of the side's rounds; latency (p50, p99, mean) is per 2xx answer,
  from the request written to the response read, taken from autocannon's \`response\` events (its own
  histogram keeps whole milliseconds).
- After every load (untimed, but counted in "Deposits/s, reads current"): the benchmark waits until the side's reads show
  every deposit (the bank: \`GET /accounts?minPosition=\` with the store's last position, until the projection
  has reached it), checks the sum of the balances against the deposits answered 2xx so far, then takes a
  CHECKPOINT.
- Projection lag: while each load runs, the benchmark asks the bank's \`GET /admin/subscriptions\` (with the
  \`ADMIN_TOKEN\` it starts the app with) every 250 ms for the accounts projection's \`lag\` (events not applied
  yet) and keeps the most; from the load's last answer it asks every 50 ms until the lag is 0: the catch-up
  (median and longest of the timed rounds). These requests are part of the bank's load.
- App CPU per deposit: user + system time of the app's process (all threads, from /proc) over the round
  and the wait after it, ÷ deposits. PostgreSQL's share is not in it. With \`BENCH_HTTP_CPU_PROF=<dir>\`, both
  apps run under \`--cpu-prof\` and leave their profiles there.
`;
}

function renderTable({ bank, crud }: HttpResults): string {
  const header = [
    'App',
    'Deposits/s',
    'Deposits/s per round',
    'p50 ms',
    'p99 ms',
    'Mean ms',
    'Non-2xx',
    'Errors',
    'App CPU ms per deposit',
    'Deposits/s, reads current',
    'Projection lag during load, max events',
    'Projection catch-up after load, median / max',
  ];
  const row = (side: HttpSideResult): string[] => [
    LABELS[side.name],
    count(side.depositsPerSecond),
    side.roundRates.map(count).join(', '),
    formatMs(side.p50Ms),
    formatMs(side.p99Ms),
    formatMs(side.meanMs),
    describeNon2xx(side.non2xx),
    side.errors === 0 ? '0' : `${side.errors} (${side.timeouts} timeouts)`,
    side.appCpuMsPerDeposit === undefined ? 'n/a' : side.appCpuMsPerDeposit.toFixed(2),
    count(side.readsCurrentPerSecond),
    side.projection ? count(side.projection.maxLag) : 'n/a',
    side.projection ? `${count(side.projection.medianCatchUpMs)} / ${count(side.projection.maxCatchUpMs)} ms` : 'n/a',
  ];
  return markdownTable(header, [row(bank), row(crud)]);
}

function renderBalances({ bank, crud }: HttpResults): string {
  const line = (side: HttpSideResult): string =>
    side.finalTotal === side.acknowledged
      ? `${side.name} ${count(side.finalTotal)}, the ${count(side.acknowledged)} deposits answered 2xx`
      : `${side.name} ${count(side.finalTotal)}, for ${count(side.acknowledged)} deposits answered 2xx (the rest unanswered)`;
  return `Balances at the end, warm-up included (checked after every load): ${line(bank)}; ${line(crud)}.`;
}

function describeNon2xx(non2xx: Record<string, number>): string {
  const entries = Object.entries(non2xx);
  return entries.length === 0 ? '0' : entries.map(([code, n]) => `${count(n)}× ${code}`).join(', ');
}
