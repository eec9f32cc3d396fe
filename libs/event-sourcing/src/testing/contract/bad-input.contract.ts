import { EventTooLargeError } from '../../errors/event-too-large-error';
import { InvalidEventError } from '../../errors/invalid-event-error';
import { InvalidExpectedVersionError } from '../../errors/invalid-expected-version-error';
import { InvalidStreamIdError } from '../../errors/invalid-stream-id-error';
import type { NewEvent } from '../../events/event-envelope';
import type { ExpectedVersion } from '../../store/expected-version';
import type { ContractContext } from './contract-context';

/** Part of the store contract; see `describeEventStoreContract`. @internal */
export function describeBadInputContract(ctx: ContractContext): void {
  const { stream, event, expectRejectedWithoutWrite } = ctx;
  describe('bad input is rejected with a code and writes nothing', () => {
    it.each<[string, unknown]>([
      ['an empty stream id', ''],
      ['a blank stream id', '   '],
      ['a stream id over 255 characters', 'x'.repeat(256)],
      ['a stream id that is not a string', 42],
      ['a stream id with a NUL character', 'a\u0000b'],
      ['a stream id with a lone UTF-16 surrogate', 'account-\ud800'],
    ])('%s', async (_title, streamId) => {
      await expectRejectedWithoutWrite(
        () => ctx.store.append(streamId as string, [event()]),
        InvalidStreamIdError,
        'ES_INVALID_STREAM_ID',
      );
    });

    it.each<[string, () => unknown]>([
      [
        'a cycle',
        () => {
          const o: Record<string, unknown> = {};
          o.o = o;
          return o;
        },
      ],
      ['a bigint', () => ({ amount: 10n })],
      ['a function', () => ({ f: () => 1 })],
      ['NaN', () => ({ amount: Number.NaN })],
      ['a Map', () => ({ m: new Map([[1, 2]]) })],
      ['a NUL character', () => ({ s: 'a\u0000b' })],
      ['a lone surrogate', () => ({ s: 'a\ud800b' })],
      ['an invalid Date', () => ({ at: new Date('not a date') })],
      ['binary data', () => ({ b: new Uint8Array([1, 2]) })],
      ['undefined', () => undefined],
    ])('data holding %s', async (_title, data) => {
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [{ type: 'contract.happened', data: data() }]),
        InvalidEventError,
        'ES_INVALID_EVENT',
      );
    });

    it.each<[string, Partial<NewEvent>]>([
      ['an empty type', { type: '' }],
      ['a type with a NUL character', { type: 'contract\u0000happened' }],
      ['a type with a lone surrogate', { type: 'contract.\ud800happened' }],
      ['a revision of 0', { revision: 0 }],
      ['an event id that is not a UUID', { eventId: 'not-a-uuid' }],
      ['an event id of UUID shape with a letter past f', { eventId: '0b5c3f4e-9d2a-4c1b-8e7f-6a5b4c3d2e1g' }],
      ['an event id with its dashes misplaced', { eventId: '0b5c3f4e9-d2a-4c1b-8e7f-6a5b4c3d2e1f' }],
      ['metadata that is an array', { metadata: [] as never }],
      ['a correlation id that is not a string', { metadata: { correlationId: 7 as never } }],
    ])('an event with %s', async (_title, override) => {
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [{ ...event(), ...override }]),
        InvalidEventError,
        'ES_INVALID_EVENT',
      );
    });

    it('an empty batch', async () => {
      await expectRejectedWithoutWrite(() => ctx.store.append(stream(), []), InvalidEventError, 'ES_INVALID_EVENT');
    });

    it('an event over the size limit', async () => {
      const big = 'x'.repeat(ctx.subject.maxEventSize);
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [event(), event({ big })]),
        EventTooLargeError,
        'ES_EVENT_TOO_LARGE',
      );
    });

    it.each<[string, unknown]>([
      ['an unknown keyword', 'latest'],
      ['a negative number', -1],
      ['a fraction', 1.5],
      ['a numeric string', '3'],
      ['null', null],
    ])('an expected version that is %s', async (_title, expectedVersion) => {
      await expectRejectedWithoutWrite(
        () => ctx.store.append(stream(), [event()], { expectedVersion: expectedVersion as ExpectedVersion }),
        InvalidExpectedVersionError,
        'ES_INVALID_EXPECTED_VERSION',
      );
    });
  });
}
