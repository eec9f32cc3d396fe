import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { errorMessage } from '../errors/error-message';
import { Subscriptions } from '../subscriptions/subscriptions';
import { Brokers } from './brokers';

/**
 * A `@nestjs/terminus` health indicator for the brokers: down while a configured broker
 * is not connected, or a publisher is failing (the broker does not acknowledge),
 * parked or not running anywhere. Each connection's state and each publisher's state,
 * position and lag are in the details. The app keeps serving meanwhile: the events wait
 * in the store and go out once the broker is back.
 * @example
 * this.health.check([() => this.brokers.isHealthy('brokers')]);
 */
@Injectable()
export class BrokersHealthIndicator {
  constructor(
    private readonly brokers: Brokers,
    private readonly subscriptions: Subscriptions,
  ) {}

  async isHealthy(key = 'brokers'): Promise<HealthIndicatorResult> {
    const problems: string[] = [];
    const connections = this.brokers.states();
    for (const state of connections) {
      if (!state.connected)
        problems.push(`${state.broker} is not connected${state.lastError ? ` (${state.lastError})` : ''}`);
    }
    const publishers: Record<string, unknown> = {};
    try {
      for (const s of await this.subscriptions.status()) {
        if (s.kind !== 'publisher') continue;
        publishers[s.name] = {
          state: s.state,
          position: s.position.toString(),
          lag: s.lag,
          ...(s.lastError ? { error: s.lastError.message } : {}),
        };
        if (s.state === 'failing' || s.state === 'parked' || s.state === 'stopped')
          problems.push(`${s.name} is ${s.state}`);
      }
    } catch (error) {
      problems.push(`publisher status unavailable (${errorMessage(error)})`);
    }
    const consumers = this.brokers.consumerStates();
    return {
      [key]: {
        status: problems.length ? 'down' : 'up',
        ...(problems.length ? { problems } : {}),
        connections,
        publishers,
        ...(consumers.length ? { consumers } : {}),
      },
    };
  }
}
