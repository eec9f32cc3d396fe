import autocannon from 'autocannon';

const JSON_HEADERS = { 'content-type': 'application/json' };
const DEPOSIT_BODY = JSON.stringify({ amount: 1 });

/** What one run of deposits got back. */
export interface DepositLoad {
  /** Deposits answered 2xx: each added 1 to a balance. */
  ok: number;
  /** Answers other than 2xx, by status code. */
  non2xx: Record<string, number>;
  /** Requests without an answer: connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** From the start of the run (connections opened, first requests sent) to the last answer. */
  wallMs: number;
  /** The latency of each 2xx answer, from request written to response read, in ms. */
  latenciesMs: number[];
}

/**
 * Opens `count` accounts with `POST /accounts` (`concurrency` at a time, untimed) and
 * returns their ids, in order.
 */
export async function openAccounts(baseUrl: string, count: number, concurrency: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      ids[index] = await openAccount(baseUrl, index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

async function openAccount(baseUrl: string, index: number): Promise<string> {
  const response = await fetch(`${baseUrl}/accounts`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ owner: `Bench owner ${index}` }),
  });
  const body = (await response.json()) as { id?: unknown };
  if (response.status !== 201 || typeof body.id !== 'string') {
    throw new Error(`POST /accounts answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.id;
}

/**
 * Sends exactly `requests` deposits of 1 (`POST /accounts/:id/deposits`, body
 * `{"amount":1}`) over `connections` keep-alive connections with autocannon, the
 * accounts taken round-robin from `accountIds`, and waits for every answer. A fixed
 * count rather than a duration: a run cut off at a deadline would leave requests in
 * flight that the app still applies, and the balances could not be checked exactly.
 * `onLastAnswer` runs as the last request is answered (or fails).
 */
export async function sendDeposits(
  baseUrl: string,
  accountIds: readonly string[],
  requests: number,
  connections: number,
  onLastAnswer?: () => void,
): Promise<DepositLoad> {
  let next = 0;
  const latenciesMs: number[] = [];
  const begin = process.hrtime.bigint();
  const run = autocannon({
    url: baseUrl,
    connections,
    amount: requests,
    requests: [
      {
        method: 'POST',
        headers: JSON_HEADERS,
        body: DEPOSIT_BODY,
        setupRequest: (request) => ({
          ...request,
          path: `/accounts/${accountIds[next++ % accountIds.length]}/deposits`,
        }),
      },
    ],
  });
  // autocannon notices that every request is answered only at its next sample tick (each
  // second), so the run ends at the last answer, not when its promise resolves.
  let lastAnswer = begin;
  let answered = 0;
  const answer = (): void => {
    lastAnswer = process.hrtime.bigint();
    if (++answered === requests) onLastAnswer?.();
  };
  run.on('response', (_client, statusCode, _bytes, responseTime) => {
    answer();
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTime);
  });
  run.on('reqError', answer);
  const result = await run;
  const wallMs = Number(lastAnswer - begin) / 1e6;
  const non2xx = Object.fromEntries(
    Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => [code, count]),
  );
  return { ok: result['2xx'], non2xx, errors: result.errors, timeouts: result.timeouts, wallMs, latenciesMs };
}
