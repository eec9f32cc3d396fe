import { inSpan } from '../observability/in-span';
import { tracingOn } from '../observability/telemetry-api';
import { TelemetryAttributes as A } from '../observability/telemetry-names';
import type { AggregateRoot } from './aggregate-root';

/**
 * Runs an aggregate's load in a span `load <Aggregate>`: its stream, the version it was
 * loaded at (0 when it has no events) and whether it was a warm copy (`work` answers one
 * at once, not a promise). @internal
 */
export function traceLoad<T extends AggregateRoot>(
  aggregateType: string,
  streamId: string,
  work: () => T | Promise<T | null>,
): Promise<T | null> {
  if (!tracingOn()) return Promise.resolve(work());
  const attributes = { [A.AGGREGATE_TYPE]: aggregateType, [A.STREAM_ID]: streamId };
  return inSpan(`load ${aggregateType}`, { attributes }, async (span) => {
    const loading = work();
    const aggregate = await loading;
    span?.setAttributes({
      [A.STREAM_VERSION]: aggregate?.version ?? 0,
      [A.AGGREGATE_WARM]: !(loading instanceof Promise),
    });
    return aggregate;
  });
}
