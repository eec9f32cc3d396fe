import { errorMessage } from '../errors/error-message';
import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { SubscriberKind } from './subscriber-definition';
import { Subscriptions } from './subscriptions';

/** Options of {@link SubscriptionsHealthIndicator.isHealthy}. */
export interface SubscriptionsHealthOptions {
  /** Down when a subscriber lags more events than this. Default: lag alone never makes it down. */
  maxLag?: number;
  /** Whether a parked subscriber makes it down. Default true. */
  parkedIsDown?: boolean;
  /** Only subscribers of these kinds (a broker's publishers have a check of their own, say). Default: all. */
  kinds?: readonly SubscriberKind[];
}

/**
 * A `@nestjs/terminus` health indicator over `Subscriptions.status`: down when a
 * subscriber is failing (the database is away, say), parked, held back by an open
 * transaction, not running on any instance, or lagging more than `maxLag`. Each
 * subscriber's state, position and lag are in the details.
 * @example
 * this.health.check([() => this.subscriptions.isHealthy('projections', { maxLag: 10_000 })]);
 */
@Injectable()
export class SubscriptionsHealthIndicator {
  constructor(private readonly subscriptions: Subscriptions) {}

  async isHealthy(key = 'subscriptions', options: SubscriptionsHealthOptions = {}): Promise<HealthIndicatorResult> {
    let statuses;
    try {
      statuses = await this.subscriptions.status();
    } catch (error) {
      return { [key]: { status: 'down', error: errorMessage(error) } };
    }
    const problems: string[] = [];
    const details: Record<string, unknown> = {};
    for (const s of statuses) {
      if (options.kinds && !options.kinds.includes(s.kind)) continue;
      details[s.name] = {
        state: s.state,
        position: s.position.toString(),
        lag: s.lag,
        ...(s.heldBackBy
          ? {
              heldBackBy: {
                transactionId: s.heldBackBy.transactionId.toString(),
                pid: s.heldBackBy.pid,
                since: s.heldBackBy.since,
              },
            }
          : {}),
        ...(s.rebuild ? { rebuild: s.rebuild } : {}),
        ...(s.lastError ? { error: s.lastError.message } : {}),
        ...(s.partitions
          ? {
              partitions: s.partitions.map((p) => ({
                partition: p.partition,
                state: p.state,
                position: p.position.toString(),
                lag: p.lag,
                instance: p.instance?.id ?? p.instance?.pid ?? null,
              })),
            }
          : {}),
      };
      if (s.state === 'failing' || s.state === 'held-back' || s.state === 'stopped')
        problems.push(`${s.name} is ${s.state}`);
      for (const p of s.partitions ?? []) {
        if (p.state === 'stopped' && s.state !== 'stopped') problems.push(`${s.name} #${p.partition} runs nowhere`);
      }
      if (s.state === 'parked' && options.parkedIsDown !== false) problems.push(`${s.name} is parked`);
      if (options.maxLag !== undefined && s.lag > options.maxLag) problems.push(`${s.name} lags ${s.lag} events`);
    }
    return {
      [key]: {
        status: problems.length ? 'down' : 'up',
        ...(problems.length ? { problems } : {}),
        subscribers: details,
      },
    };
  }
}
