import { describeEventStoreContract } from '../../testing/event-store-contract';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('in-memory', async () => {
  const store = new InMemoryEventStore({ maxEventSize: 64 * 1024 });
  return {
    store,
    maxEventSize: 64 * 1024,
    raw: {
      storedData: async (streamId) =>
        store
          .committedEvents()
          .filter((e) => e.streamId === streamId)
          .map((e) => e.data),
      damageKey: async (subject, stored) => store.personal.damage(subject, stored),
    },
  };
});
