import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';
import type { CheckpointStore } from '../subscriptions/checkpoint-store';

/** A point in the store's commit order, and when it was taken (the database's clock). @internal */
export interface Fence {
  /** `pg_snapshot_xmax` then: every transaction committed by then has a lower id. */
  transactionId: bigint;
  at: Date;
}

/** How long deadlines may wait for their saga before it is logged. */
const WARN_AFTER_MS = 10_000;

/**
 * Makes a saga's deadlines lose cleanly to decisions already taken. A deadline falls due
 * on a clock, while the events that would make it moot (an approval, say) reach the
 * saga through its subscription, a moment after they are stored; fired at once, the
 * deadline's method could act on a state that an event committed before it had already
 * changed. So before the deadlines of a saga fire, a fence is taken (the commit horizon
 * now), and they fire only once the saga's subscription has read past it: their method
 * then sees every event committed before they were found due. Until then the
 * subscription is woken to catch up, and the deadlines wait, durable as ever.
 *
 * A fence is kept until it is passed, so steady traffic cannot push it ahead for ever.
 * While the saga's subscription is paused, parked or held back by a long transaction,
 * its deadlines wait with it (logged after ten seconds). @internal
 */
export class DeadlineFence {
  private readonly pending = new Map<string, Fence & { since: number; warned: boolean }>();

  constructor(
    /** The commit horizon now: PostgreSQL's (`postgresCommitHorizon`) or the in-memory store's. */
    private readonly horizon: () => Promise<Fence>,
    private readonly checkpoints: Pick<CheckpointStore, 'load'>,
    /** Wakes the subscription of a saga (on whichever instance runs it). */
    private readonly wake: (sagaType: string) => void,
    private readonly logger?: Logger,
  ) {}

  /**
   * Whether deadlines of this saga may fire now: the time of the fence its subscription
   * has passed (deadlines due by then may fire), or undefined while it has not yet (it
   * has been woken; ask again a moment later).
   */
  async open(sagaType: string): Promise<Date | undefined> {
    let fence = this.pending.get(sagaType);
    if (!fence) {
      fence = { ...(await this.take()), since: Date.now(), warned: false };
      this.pending.set(sagaType, fence);
    }
    const { cursor } = await this.checkpoints.load(sagaType);
    if (cursor.transactionId >= fence.transactionId) {
      this.pending.delete(sagaType);
      return fence.at;
    }
    if (!fence.warned && Date.now() - fence.since > WARN_AFTER_MS) {
      fence.warned = true;
      this.logger?.warn(
        `Saga ${sagaType}: due deadlines have waited ${WARN_AFTER_MS / 1000} s for its subscription to read the events committed before them; is it paused, parked or held back?`,
      );
    }
    this.wake(sagaType);
    return undefined;
  }

  /** The commit horizon now: every transaction committed before this call is below it. */
  take(): Promise<Fence> {
    return this.horizon();
  }
}

/** PostgreSQL's commit horizon, for a {@link DeadlineFence}: `pg_snapshot_xmax` and the database's clock. @internal */
export function postgresCommitHorizon(dataSource: DataSource): () => Promise<Fence> {
  return async () => {
    const [row] = await queryRows<{ xmax: string; at: Date }>(
      dataSource,
      undefined,
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax, clock_timestamp() AS at`,
      [],
    );
    return { transactionId: BigInt(row!.xmax), at: row!.at };
  };
}
