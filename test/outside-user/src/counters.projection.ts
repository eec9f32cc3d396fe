import { On, Projection, type EventEnvelope, type ProjectionContext } from 'nest-event-sourcing';
import { CounterIncremented } from './counter-incremented.event';
import { CounterView } from './counter-view.entity';

export const COUNTERS_PROJECTION = 'counters';

@Projection(COUNTERS_PROJECTION, { readModels: [CounterView] })
export class CountersProjection {
  @On(CounterIncremented)
  async incremented({ data }: EventEnvelope<CounterIncremented>, { manager }: ProjectionContext): Promise<void> {
    const view = await manager.findOneBy(CounterView, { id: data.counterId });
    await manager.save(CounterView, { id: data.counterId, value: (view?.value ?? 0) + data.by });
  }
}
