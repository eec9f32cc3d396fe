import { randomUUID } from 'node:crypto';
import type { ExpectedVersion, NewEvent } from 'nest-event-sourcing';
import { STREAM_NAMES, type CallSpec, type ExpectedPick, type IdPick } from './store-commands';
import type { AppendCall, StoreModel } from './store-model';

/** Turns specs into appends for one run: its prefix, its own UUIDs for the slots, and the calls made so far. */
export class CallMaker {
  private readonly slots = new Map<number, string>();
  /** The ids of the race being played, new in each. */
  private readonly shared = new Map<number, string>();
  /** Every call made in the run, in the order made. */
  readonly made: AppendCall[] = [];

  constructor(readonly prefix: string) {}

  /** Starts a race: its `shared` id picks get ids no earlier call used. */
  startRace(): void {
    this.shared.clear();
  }

  /** The run's stream ids (the valid ones), in the order of {@link STREAM_NAMES}. */
  streamIds(): string[] {
    return STREAM_NAMES.map((_, i) => this.streamId(i));
  }

  /** The call for `spec`, with expected versions resolved against `model` as it stands before the step. */
  make(spec: CallSpec, model: StoreModel): AppendCall {
    const call = spec.kind === 'append' ? this.append(spec, model) : this.retry(spec, model);
    this.made.push(call);
    return call;
  }

  private append(spec: Extract<CallSpec, { kind: 'append' }>, model: StoreModel): AppendCall {
    const streamId = typeof spec.stream === 'number' ? this.streamId(spec.stream) : spec.stream;
    const events: NewEvent[] = [];
    for (const e of spec.events) {
      const eventId = this.eventId(e.id, events[0]?.eventId);
      events.push({
        type: e.type,
        data: e.data,
        ...(e.revision === undefined ? {} : { revision: e.revision }),
        ...(e.metadata === undefined ? {} : { metadata: e.metadata }),
        ...(eventId === undefined ? {} : { eventId }),
      });
    }
    return withExpected({ streamId, events }, spec.expected, model);
  }

  private retry(spec: Extract<CallSpec, { kind: 'retry' }>, model: StoreModel): AppendCall {
    const earlier = this.made[spec.of % Math.max(1, this.made.length)];
    // Nothing to retry yet: a retry of nothing appends one plain event.
    const call = earlier ?? { streamId: this.streamId(0), events: [{ type: 'prop.happened', data: null }] };
    return spec.expected ? withExpected({ streamId: call.streamId, events: call.events }, spec.expected, model) : call;
  }

  private streamId(index: number): string {
    const name = STREAM_NAMES[index]!;
    const id = `${this.prefix}${name}`;
    return name === 'long-' ? id.padEnd(255, 'ł') : id;
  }

  private eventId(pick: IdPick, first: string | undefined): string | undefined {
    switch (pick.kind) {
      case 'omitted':
        return undefined;
      case 'fresh':
        return randomUUID();
      case 'malformed':
        return pick.text;
      case 'first':
        return pick.upper ? first?.toUpperCase() : first;
    }
    const slots = pick.kind === 'shared' ? this.shared : this.slots;
    let id = slots.get(pick.slot);
    if (!id) slots.set(pick.slot, (id = randomUUID()));
    return pick.upper ? id.toUpperCase() : id;
  }
}

function withExpected(call: AppendCall, pick: ExpectedPick, model: StoreModel): AppendCall {
  if (pick.kind === 'omitted') return call;
  const expectedVersion =
    pick.kind === 'given' ? (pick.value as ExpectedVersion) : Math.max(0, model.version(call.streamId) + pick.delta);
  return { ...call, options: { expectedVersion } };
}
