import type { Counter, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import { packageVersion, telemetryApi } from './telemetry-api';
import { TELEMETRY_SCOPE, TelemetryAttributes as A, TelemetryMetrics as M } from './telemetry-names';

/** The library's instruments, made on one meter provider. @internal */
export interface LibraryInstruments {
  meter: Meter;
  appends: Counter;
  appendDuration: Histogram;
  appendConflicts: Counter;
  eventsAppended: Counter;
  commandRetries: Counter;
}

let made: { provider: MeterProvider; instruments: LibraryInstruments | undefined } | undefined;

/**
 * The library's meter and instruments; undefined without `@opentelemetry/api` or while
 * no meter provider is registered (the API's no-op one answers), so that nothing is
 * measured then. The API's meters do not follow a provider registered after them, so
 * the instruments are made again when the global provider changes (cheaply checked on
 * each use). @internal
 */
export function libraryInstruments(): LibraryInstruments | undefined {
  const api = telemetryApi();
  if (!api) return undefined;
  const provider = api.metrics.getMeterProvider();
  if (made?.provider !== provider) {
    const noop = provider.getMeter(TELEMETRY_SCOPE) === api.createNoopMeter();
    made = { provider, instruments: noop ? undefined : makeInstruments(provider) };
  }
  return made.instruments;
}

function makeInstruments(provider: MeterProvider): LibraryInstruments {
  const meter = provider.getMeter(TELEMETRY_SCOPE, packageVersion());
  return {
    meter,
    appends: meter.createCounter(M.APPENDS, { description: 'Appends to the event store', unit: '{append}' }),
    appendDuration: meter.createHistogram(M.APPEND_DURATION, {
      description: 'How long appends to the event store take',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    }),
    appendConflicts: meter.createCounter(M.APPEND_CONFLICTS, {
      description: 'Appends refused because the stream was not at the expected version',
      unit: '{conflict}',
    }),
    eventsAppended: meter.createCounter(M.EVENTS_APPENDED, { description: 'Events appended', unit: '{event}' }),
    commandRetries: meter.createCounter(M.COMMAND_RETRIES, {
      description: 'Command handler runs repeated after a version conflict',
      unit: '{retry}',
    }),
  };
}

/** Counts one append: its outcome, its latency in seconds, its events by type. @internal */
export function recordAppend(
  streamType: string,
  outcome: 'ok' | 'conflict' | 'error',
  seconds: number,
  eventTypes: readonly string[],
): void {
  const instruments = libraryInstruments();
  if (!instruments) return;
  const attributes = { [A.STREAM_TYPE]: streamType, [A.OUTCOME]: outcome };
  instruments.appends.add(1, attributes);
  instruments.appendDuration.record(seconds, attributes);
  if (outcome === 'conflict') instruments.appendConflicts.add(1, { [A.STREAM_TYPE]: streamType });
  if (outcome !== 'ok') return;
  for (const type of eventTypes) instruments.eventsAppended.add(1, { [A.EVENT_TYPE]: type });
}
