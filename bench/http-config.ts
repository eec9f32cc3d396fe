/** The sizes of the HTTP part of a run. */
export interface HttpParams {
  /** Accounts opened over HTTP on each side before anything else; deposits go round-robin over them. */
  accounts: number;
  /** Concurrent HTTP connections of autocannon (no pipelining: one request in flight per connection). */
  connections: number;
  /** Untimed deposits per side before the rounds; their rate sizes the rounds. */
  warmupRequests: number;
  /** Timed rounds per side, in ABBA order; the figures cover all rounds. */
  rounds: number;
  /** About how long a round lasts: its deposits are the side's warm-up rate × this (at least 20 per connection). */
  roundSeconds: number;
  /** Connections open at once while the accounts are created (untimed). */
  openConcurrency: number;
}

const FULL: HttpParams = {
  accounts: 1_000,
  connections: 50,
  warmupRequests: 5_000,
  rounds: 4,
  roundSeconds: 5,
  openConcurrency: 10,
};

/** Quick mode: the same accounts and connections, a short warm-up, two one-second rounds per side. */
const QUICK: HttpParams = { ...FULL, warmupRequests: 1_000, rounds: 2, roundSeconds: 1 };

/** The HTTP part's sizes for a full or a quick run. */
export function httpParams(quick: boolean): HttpParams {
  return quick ? QUICK : FULL;
}
