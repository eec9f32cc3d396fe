import { ConfigurationError } from '../errors/configuration-error';
import { InMemoryEventStore } from '../store/in-memory/in-memory-event-store';
import { DomainEvent } from './domain-event.decorator';
import { EventTypeRegistry } from './event-type-registry';
import { FORGOTTEN_KEY } from './personal-data-cipher';
import { PersonalData, personalDataOf } from './personal-data.decorator';

@DomainEvent('pd.customer-registered', { revision: 2 })
class CustomerRegistered {
  @PersonalData({ subject: (e: CustomerRegistered) => e.customerId }) readonly email: string | null;

  constructor(
    readonly customerId: string,
    @PersonalData({ subject: (e: CustomerRegistered) => e.customerId }) readonly fullName: string,
    email: string | null,
    readonly at: Date,
  ) {
    this.email = email;
  }
}

describe('@PersonalData', () => {
  it('names the fields that hold a value, each with its subject, on fields and constructor parameters', () => {
    expect(personalDataOf(new CustomerRegistered('c-1', 'Ada Lovelace', 'ada@example.com', new Date()))).toEqual({
      fullName: 'c-1',
      email: 'c-1',
    });
    expect(personalDataOf(new CustomerRegistered('c-2', 'Ada', null, new Date()))).toEqual({ fullName: 'c-2' });
    expect(personalDataOf({ plain: true })).toBeUndefined();
  });

  it('refuses a subject that is not a function, naming the field', () => {
    expect(() => PersonalData({ subject: 'c-1' as never })({}, 'owner')).toThrow(ConfigurationError);
    expect(() => PersonalData({ subject: 'c-1' as never })({}, 'owner')).toThrow(/owner/);
  });

  it('goes through the registry and the store: upcasters and instances see plaintext, then null once forgotten', async () => {
    const registry = new EventTypeRegistry();
    registry.register(CustomerRegistered, 'the test');
    const seen: unknown[] = [];
    registry.registerUpcaster(
      {
        type: 'pd.customer-registered',
        fromRevision: 1,
        upcast: (data) => {
          seen.push((data as { fullName: string }).fullName);
          return { ...(data as object), email: null };
        },
      },
      'CustomerRegisteredV1',
    );
    const store = new InMemoryEventStore();
    const registered = new CustomerRegistered('c-3', 'Grace Hopper', 'grace@example.com', new Date('2026-01-02'));
    await store.append('customer-c-3', [registry.toNewEvent(registered)]);
    // An older event, stored at revision 1 with the same personal field.
    await store.append('customer-c-3', [
      {
        type: 'pd.customer-registered',
        revision: 1,
        data: { customerId: 'c-3', fullName: 'Grace B. Hopper', at: '2026-01-01T00:00:00.000Z' },
        personalData: { fullName: 'c-3' },
      },
    ]);
    const [current, old] = await store.readStream('customer-c-3');
    expect(registry.toInstance(current!)).toEqual(registered);
    expect(registry.toInstance(old!)).toMatchObject({ fullName: 'Grace B. Hopper', email: null });
    expect(seen).toEqual(['Grace B. Hopper']);

    await store.forget('c-3');
    const [after] = await store.readStream('customer-c-3');
    expect(after!.metadata[FORGOTTEN_KEY]).toEqual(['email', 'fullName']);
    const instance = registry.toInstance(after!) as CustomerRegistered;
    expect(instance).toBeInstanceOf(CustomerRegistered);
    expect(instance).toMatchObject({ customerId: 'c-3', fullName: null, email: null, at: new Date('2026-01-02') });
  });
});
