import { inspect } from 'node:util';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventSourcingError,
  TransactionConflictError,
  type AppendResult,
} from 'nest-event-sourcing';
import type { AppendCall, BadInputCode, Outcome, StoreModel } from './store-model';

// What a store answered an append, in the model's terms, and how that is compared with
// what the model predicts.

/** One step played: the calls made, what the store answered, and the model after it. */
export interface Played {
  calls: AppendCall[];
  settled: PromiseSettledResult<AppendResult>[];
  model: StoreModel;
  /** The transaction of each call made in one, by the call's number in the run. */
  transactionOf?: Map<number, string>;
}

/** Thrown by a transaction's work to roll it back. */
export class RollBack extends Error {}

/**
 * What a store answered: an outcome of the model; `conflict` for a TransactionConflictError
 * (the append's transaction lost a deadlock and wrote nothing, which the model cannot
 * predict); `unexpected` for anything but a coded library error.
 */
export type Observed = Outcome | { kind: 'conflict' } | { kind: 'unexpected'; error: string };

const BAD_INPUT_CODES: readonly string[] = [
  'ES_INVALID_STREAM_ID',
  'ES_INVALID_EXPECTED_VERSION',
  'ES_INVALID_EVENT',
  'ES_EVENT_TOO_LARGE',
] satisfies BadInputCode[];

/** Whether the store answered what the model predicts. */
export function agrees(predicted: Outcome, observed: Observed): boolean {
  if (predicted.kind === 'bad-input')
    return observed.kind === 'bad-input' && predicted.codes.includes(observed.codes[0]!);
  return JSON.stringify(predicted) === JSON.stringify(observed);
}

/** The store's answer to one append, in the model's terms. */
export function observe(settled: PromiseSettledResult<AppendResult>): Observed {
  if (settled.status === 'fulfilled') {
    const { streamVersion, written } = settled.value;
    return { kind: 'appended', streamVersion, written };
  }
  const error: unknown = settled.reason;
  // Field by field, in the model's key order, so that answers compare as JSON.
  if (error instanceof ConcurrencyError && error.code === 'ES_CONCURRENCY') {
    return { kind: 'concurrency', streamId: error.streamId, expected: error.expected, actual: error.actual };
  }
  if (error instanceof DuplicateEventIdError && error.code === 'ES_DUPLICATE_EVENT_ID') {
    return { kind: 'duplicate', streamId: error.streamId, eventId: error.eventId };
  }
  if (error instanceof EventSourcingError && BAD_INPUT_CODES.includes(error.code) && error.message.length > 20) {
    return { kind: 'bad-input', codes: [error.code as BadInputCode] };
  }
  if (isTransactionConflict(error)) return { kind: 'conflict' };
  return { kind: 'unexpected', error: inspect(error) };
}

/** Whether `error` is the coded error of a transaction that lost to a concurrent one. */
export function isTransactionConflict(error: unknown): error is TransactionConflictError {
  return error instanceof TransactionConflictError && error.code === 'ES_TRANSACTION_CONFLICT';
}

/** Calls with the store's and the model's answers, for a failure message. */
export function describeCalls(
  model: StoreModel,
  calls: readonly AppendCall[],
  observed: readonly Observed[],
  predicted: readonly (Outcome | string)[],
  numbers: readonly number[],
): string {
  const lines = calls.map(
    (call, i) =>
      `  call ${numbers[i]}: ${show(call)}\n    store: ${show(observed[i])}\n    model, in issue order: ${show(predicted[i])}`,
  );
  const versions = new Map(calls.map((c) => [c.streamId, model.version(c.streamId)]));
  return `${lines.join('\n')}\n  stream versions before the step: ${show(versions)}`;
}

export function show(value: unknown): string {
  return inspect(value, { depth: 6, maxStringLength: 80, breakLength: 120 });
}
