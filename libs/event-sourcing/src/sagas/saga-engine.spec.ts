import { EventTypeRegistry } from '../events/event-type-registry';
import type { CommandRow, SagaPersistence } from './saga-persistence';
import { SagaEngine, traceOfCommand } from './saga-engine';

class Credit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly at: Date,
  ) {}
}

const row = (payload: Record<string, unknown>): CommandRow => ({
  command_id: 'c',
  saga_id: 's',
  saga_type: 'transfer',
  command_type: 'Credit',
  payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
  correlation_id: null,
  causation_id: 'e',
  attempts: 1,
});

describe('SagaEngine: the trace context of a stored command', () => {
  const engine = new SagaEngine({} as SagaPersistence<unknown>, new EventTypeRegistry());
  const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'v=1' };
  const command = new Credit('a-1', 100, new Date('2026-01-02T03:04:05Z'));

  it('is stored beside the data and left out of the command rebuilt from it', () => {
    const { type, payload } = engine.serialize(command, trace);
    expect(type).toBe('Credit');
    const stored = row(payload);
    expect(traceOfCommand(stored)).toEqual(trace);
    const rebuilt = engine.deserialize(stored, Credit);
    expect(rebuilt).toBeInstanceOf(Credit);
    expect({ ...rebuilt }).toEqual({ ...command });
  });

  it('is absent when the step ran in no trace', () => {
    const stored = row(engine.serialize(command).payload);
    expect(traceOfCommand(stored)).toBeUndefined();
    expect({ ...engine.deserialize(stored, Credit) }).toEqual({ ...command });
  });
});
