import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import { libraryInstruments } from '../observability/library-metrics';
import { TelemetryAttributes as A, TelemetryMetrics as M } from '../observability/telemetry-names';
import { Subscriptions } from './subscriptions';

/**
 * The subscriber gauges: `es.subscriber.lag` and `es.subscriber.parked` per subscriber,
 * read at each collection from what `Subscriptions.status()` reports (one status read
 * serves both). Registered at bootstrap on the meter provider registered then; with no
 * `@opentelemetry/api` or no SDK, nothing is read. @internal
 */
@Injectable()
export class SubscriberMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private registered: { meter: Meter; callback: BatchObservableCallback; observables: Observable[] } | undefined;

  constructor(private readonly subscriptions: Subscriptions) {}

  onApplicationBootstrap(): void {
    const meter = libraryInstruments()?.meter;
    if (!meter) return;
    const lag = meter.createObservableGauge(M.SUBSCRIBER_LAG, {
      description: 'Events of its types a durable subscriber has not handled yet (counted up to 100,000)',
      unit: '{event}',
    });
    const parked = meter.createObservableGauge(M.SUBSCRIBER_PARKED, {
      description: 'Events a durable subscriber parked after they failed every try',
      unit: '{event}',
    });
    const callback: BatchObservableCallback = async (result) => {
      // A database outage must not fail the collection of the other metrics.
      const statuses = await this.subscriptions.status().catch(() => []);
      for (const status of statuses) {
        const attributes = { [A.SUBSCRIBER_NAME]: status.name, [A.SUBSCRIBER_KIND]: status.kind };
        result.observe(lag, status.lag, attributes);
        result.observe(parked, status.parked, attributes);
      }
    };
    meter.addBatchObservableCallback(callback, [lag, parked]);
    this.registered = { meter, callback, observables: [lag, parked] };
  }

  onApplicationShutdown(): void {
    const registered = this.registered;
    this.registered = undefined;
    registered?.meter.removeBatchObservableCallback(registered.callback, registered.observables);
  }
}
