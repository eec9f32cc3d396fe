import type { AppendResult } from '../event-store';
import type { PreparedAppend } from '../prepared-append';
import { isConnectionError, isSqlError } from '../../database/postgres-errors';

/** Sends appends to the database: one alone, or several single-event ones in one statement. @internal */
export interface AppendSender {
  /** The append on its own, with every answer an append can get. */
  one(prepared: PreparedAppend): Promise<AppendResult>;
  /** Single-event appends of distinct streams in one statement; each one's result, or undefined where it wrote nothing. */
  many(prepared: readonly PreparedAppend[]): Promise<(AppendResult | undefined)[]>;
  /** Whether `prepared` may go in a shared statement (one event, a number as expected version). */
  joinable(prepared: PreparedAppend): boolean;
}

interface Waiting {
  prepared: PreparedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** The most appends one shared statement carries. */
const MOST_PER_STATEMENT = 64;

/**
 * Longest wait for a slot. Statements normally take a few milliseconds; one that holds
 * its slot longer may be waiting on a lock held by work that itself waits for a queued
 * append (a transaction whose callback appends outside it): after this, the queued
 * appends go out anyway, so that such a cycle cannot hang.
 */
const MOST_WAIT_MS = 20;

/**
 * Group commit for appends. While fewer than `limit` statements of joinable appends (one
 * event, a number as expected version) are in flight, such an append goes out at once,
 * alone, as it would without this class. Past that, joinable appends wait for one of
 * those statements to finish and then go out together, in one statement and one
 * transaction: under load, many appends share a round trip and a WAL flush, and the
 * database does less work per event. No append waits for a slot longer than
 * `MOST_WAIT_MS`.
 *
 * Each append in a shared statement is a single event, so it still lands whole or not at
 * all, with its own expected version checked in the statement; one that wrote nothing
 * (a conflict, a retry) is sent again alone, which gives it its exact answer. A shared
 * statement that failed with an SQL error committed nothing, so its appends are sent again
 * alone; one whose connection failed may have committed, so they all fail with that error,
 * as a lone append would. Appends of one stream never share a statement: the stream lanes
 * hand out one at a time. @internal
 */
export class AppendBatcher {
  private inFlight = 0;
  private readonly waiting: Waiting[] = [];
  private overdue?: NodeJS.Timeout;

  constructor(
    private readonly sender: AppendSender,
    private readonly limit: number,
  ) {}

  append(prepared: PreparedAppend): Promise<AppendResult> {
    // Appends that cannot share a statement go at once and take no slot, so that they
    // can never hold back the ones waiting for a slot.
    if (!this.sender.joinable(prepared)) return this.sender.one(prepared);
    if (this.inFlight < this.limit) return this.track(this.sender.one(prepared));
    this.overdue ??= setTimeout(() => this.sendOverdue(), MOST_WAIT_MS).unref();
    return new Promise<AppendResult>((resolve, reject) => this.waiting.push({ prepared, resolve, reject }));
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work;
    } finally {
      this.inFlight--;
      this.sendWaiting();
    }
  }

  private sendWaiting(): void {
    while (this.waiting.length > 0 && this.inFlight < this.limit) this.sendBatch();
    if (this.waiting.length === 0) {
      clearTimeout(this.overdue);
      this.overdue = undefined;
    }
  }

  /** No slot came free in time: the waiting appends go out beyond the limit. */
  private sendOverdue(): void {
    this.overdue = undefined;
    while (this.waiting.length > 0) this.sendBatch();
  }

  private sendBatch(): void {
    const batch = this.waiting.splice(0, MOST_PER_STATEMENT);
    batch.sort((a, b) => (a.prepared.streamId < b.prepared.streamId ? -1 : 1));
    void this.track(this.sendTogether(batch));
  }

  private async sendTogether(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      return this.sender.one(only.prepared).then(only.resolve, only.reject);
    }
    let results: (AppendResult | undefined)[];
    try {
      results = await this.sender.many(batch.map((w) => w.prepared));
    } catch (error) {
      if (!isSqlError(error) || isConnectionError(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      results = [];
    }
    const alone: Promise<void>[] = [];
    for (const [i, w] of batch.entries()) {
      const result = results[i];
      if (result) w.resolve(result);
      else alone.push(this.sender.one(w.prepared).then(w.resolve, w.reject));
    }
    await Promise.all(alone);
  }
}
