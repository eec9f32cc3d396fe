import { randomUUID } from 'node:crypto';
import { bootTenancyModule, type TenancyModule } from '../../../../test/support/tenancy-module';
import { Aggregate } from '../aggregates/aggregate.decorator';
import type { AggregateRepository } from '../aggregates/aggregate-repository';
import { AggregateRoot } from '../aggregates/aggregate-root';
import { Apply } from '../aggregates/apply.decorator';
import { getAggregateRepositoryToken } from '../aggregates/inject-aggregate-repository.decorator';
import { NaturalKey } from '../aggregates/natural-key.decorator';
import { NaturalKeyTakenError } from '../errors/natural-key-taken-error';
import { DomainEvent } from '../events/domain-event.decorator';
import { EventSourcingModule } from '../event-sourcing.module';
import { problemForError } from '../http/problem-for-error';
import { EventStore } from './event-store';

@DomainEvent('customer.signed-up')
class SignedUp {
  constructor(readonly email: string) {}
}

@Aggregate('customer')
class Customer extends AggregateRoot {
  @NaturalKey('email', { ignoreCase: true, trim: true })
  email: string | null = null;
  signUp(email: string): void {
    this.apply(new SignedUp(email));
  }
  @Apply(SignedUp) protected onSignedUp({ email }: SignedUp): void {
    this.email = email;
  }
}

// Natural keys under tenancy: a value is unique within a tenant, and each tenant finds
// its own holder; another tenant's holder neither blocks a claim nor is found.
describe.each(['memory', 'postgres'] as const)('natural keys scoped by tenant (%s)', (kind) => {
  let tenancy: TenancyModule | undefined;
  let store: EventStore;
  let customers: AggregateRepository<Customer>;
  const run = <T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> => tenancy!.run(tenantId, work);
  const [acme, globex] = ['acme', 'globex'];
  let n = 0;
  const email = (): string => `Someone.${Date.now()}.${n++}@Example.org`;
  const signUp = (tenantId: string, id: string, address: string) =>
    run(tenantId, () => customers.create(id, (c) => c.signUp(address)));

  beforeAll(async () => {
    tenancy = await bootTenancyModule(kind, 'tenant_keys', [
      EventSourcingModule.forFeature({ aggregates: [Customer] }),
    ]);
    ({ store } = tenancy);
    customers = tenancy.moduleRef.get(getAggregateRepositoryToken(Customer));
  });
  afterAll(() => tenancy?.close());

  it('lets two tenants claim the same email, each finding its own holder', async () => {
    const [a, b, address] = [randomUUID(), randomUUID(), email()];
    await signUp(acme, a, address);
    await signUp(globex, b, ` ${address.toUpperCase()} `);
    expect((await run(acme, () => customers.findBy('email', address)))?.id).toBe(a);
    expect((await run(globex, () => customers.findBy('email', address)))?.id).toBe(b);
    expect(await run('initech', () => customers.findBy('email', address))).toBeNull();
    const key = 'customer/email';
    const value = address.toLowerCase();
    // Work without a tenant (an operator) sees the untenanted keys, or the tenant it names.
    expect(await run(undefined, () => store.findByNaturalKey(key, value))).toBeUndefined();
    expect(await run(undefined, () => store.findByNaturalKey(key, value, { tenantId: globex }))).toBe(
      customers.streamId(b),
    );
    // A tenant naming another tenant finds nothing.
    expect(await run(acme, () => store.findByNaturalKey(key, value, { tenantId: globex }))).toBeUndefined();
  });

  it('refuses a second claim within one tenant with 409, writing nothing', async () => {
    const [a, b, address] = [randomUUID(), randomUUID(), email()];
    await signUp(acme, a, address);
    const refused = signUp(acme, b, address);
    await expect(refused).rejects.toThrow(NaturalKeyTakenError);
    const error = await refused.catch((e: unknown) => e);
    expect(problemForError(error as Error)?.status).toBe(409);
    expect(await run(undefined, () => store.streamVersion(customers.streamId(b)))).toBe(0);
    expect((await run(acme, () => customers.findBy('email', address)))?.id).toBe(a);
  });

  it('lets concurrent claims of one value by two tenants both win, and one per tenant within each', async () => {
    for (let round = 0; round < 5; round++) {
      const address = email();
      const claims = [acme, acme, acme, globex, globex, globex].map((tenant) => ({ tenant, id: randomUUID() }));
      const results = await Promise.allSettled(claims.map(({ tenant, id }) => signUp(tenant, id, address)));
      for (const tenant of [acme, globex]) {
        const won = claims.filter((c, i) => c.tenant === tenant && results[i]!.status === 'fulfilled');
        expect(won).toHaveLength(1);
        expect((await run(tenant, () => customers.findBy('email', address)))?.id).toBe(won[0]!.id);
      }
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(NaturalKeyTakenError);
    }
  });

  it("releases a tenant's key on soft delete, stamps the delete with the tenant, and restores past another tenant's holder", async () => {
    const [a, b, c, address] = [randomUUID(), randomUUID(), randomUUID(), email()];
    await signUp(acme, a, address);
    await run(acme, () => customers.delete(a));
    const [, deleted] = await run(undefined, () => store.readStream(customers.streamId(a)));
    expect(deleted!.metadata.tenantId).toBe(acme);
    await signUp(globex, b, address);
    await run(acme, () => customers.restore(a));
    expect((await run(acme, () => customers.findBy('email', address)))?.id).toBe(a);
    // Within the tenant the value is held again: a new claim is refused.
    await expect(signUp(acme, c, address)).rejects.toThrow(NaturalKeyTakenError);
  });
});
