import { InvalidEventError } from '../errors/invalid-event-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import { tenantOfAppend } from './append-tenant';
import { prepareCondition, type PreparedCondition } from './decision-query';
import type { AppendManyOptions, StreamAppend } from './event-store';
import { prepareAppend, type PreparedAppend } from './prepared-append';

/** An `appendMany` checked: each stream's append, and the condition of them all. @internal */
export interface PreparedMany {
  appends: PreparedAppend[];
  condition: PreparedCondition | undefined;
}

/**
 * Checks every input of an `appendMany` before anything reaches a store.
 * @throws InvalidEventError for an empty list; InvalidStreamIdError for a stream given
 *   twice; and whatever `prepareAppend` throws for each part.
 * @internal
 */
export function prepareMany(
  appends: readonly StreamAppend[],
  options: AppendManyOptions | undefined,
  maxEventSize: number,
): PreparedMany {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new InvalidEventError(0, 'appendMany takes a non-empty array of { streamId, events }');
  }
  const seen = new Set<string>();
  const prepared = appends.map((part: StreamAppend) => {
    const { streamId, events, expectedVersion, streamType } = part ?? ({} as StreamAppend);
    const one = prepareAppend(
      streamId,
      events,
      { expectedVersion, ...(streamType ? { streamType } : {}) },
      maxEventSize,
    );
    if (seen.has(one.streamId)) throw new InvalidStreamIdError(one.streamId, 'it is given twice to appendMany');
    seen.add(one.streamId);
    return one;
  });
  const condition =
    options?.condition === undefined
      ? undefined
      : prepareCondition(options.condition, tenantOfAppend((appends[0] as StreamAppend | undefined)?.events ?? []));
  return { appends: prepared, condition };
}
