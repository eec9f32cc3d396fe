import { randomUUID } from 'node:crypto';
import { bootTenancyModule, type TenancyModule } from '../../../../test/support/tenancy-module';
import { AppendConditionError } from '../errors/append-condition-error';
import type { NewEvent } from '../events/event-envelope';
import type { DecisionQuery } from './decision-query';
import type { EventStore } from './event-store';

// Decisions under tenancy: a conditional append made for a tenant is checked against
// that tenant's events alone, whatever another tenant appends between the read and the
// append; work without a tenant still counts every tenant's events.
describe.each(['memory', 'postgres'] as const)('decision conditions scoped by tenant (%s)', (kind) => {
  let tenancy: TenancyModule | undefined;
  let store: EventStore;
  const run = <T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> => tenancy!.run(tenantId, work);
  const [acme, globex] = ['acme', 'globex'];
  const stream = (): string => `title-${randomUUID()}`;
  const titled = (tag: string, type = 'list.titled'): NewEvent => ({ type, data: { tag }, tags: [tag] });
  /** Reads for the tenant, lets `between` run, then appends on the read's condition. */
  const decide = async (tenant: string | undefined, query: DecisionQuery, between: () => Promise<unknown>) => {
    const { after } = await run(tenant, () => store.readMatching(query));
    await between();
    const event = titled(query[0]!.tags?.[0] ?? `any:${randomUUID()}`, query[0]!.types?.[0]);
    return run(tenant, () => store.append(stream(), [event], { condition: { query, after } }));
  };

  beforeAll(async () => {
    tenancy = await bootTenancyModule(kind, 'tenant_conditions');
    ({ store } = tenancy);
  });
  afterAll(() => tenancy?.close());

  it("never fails on another tenant's event of the same tags, and fails on its own tenant's", async () => {
    const tag = `title:${randomUUID()}`;
    const query = [{ tags: [tag] }];
    await decide(acme, query, () => run(globex, () => store.append(stream(), [titled(tag)])));
    await expect(decide(acme, query, () => run(acme, () => store.append(stream(), [titled(tag)])))).rejects.toThrow(
      AppendConditionError,
    );
    // Each tenant holds one title of its own; the other's does not count.
    expect((await run(acme, () => store.readMatching(query))).events).toHaveLength(2);
    expect((await run(globex, () => store.readMatching(query))).events).toHaveLength(1);
  });

  it('scopes a condition of types alone (the table-locking guard) the same way', async () => {
    const type = `list.numbered.${randomUUID()}`;
    const query = [{ types: [type] }];
    const other = { type, data: null };
    await decide(acme, query, () => run(globex, () => store.append(stream(), [other])));
    await expect(decide(acme, query, () => run(acme, () => store.append(stream(), [other])))).rejects.toThrow(
      AppendConditionError,
    );
  });

  it('scopes the condition of appendMany and of a transaction by the tenant of their events', async () => {
    const tag = `title:${randomUUID()}`;
    const query = [{ tags: [tag] }];
    const { after } = await run(acme, () => store.readMatching(query));
    await run(globex, () => store.append(stream(), [titled(tag)]));
    await run(acme, () =>
      store.appendMany(
        [
          { streamId: stream(), events: [titled(tag)] },
          { streamId: stream(), events: [titled(`other:${randomUUID()}`)] },
        ],
        { condition: { query, after } },
      ),
    );
    const read = await run(globex, () => store.readMatching(query));
    await run(acme, () => store.append(stream(), [titled(tag)]));
    await run(globex, () =>
      store.transaction((tx) => tx.append(stream(), [titled(tag)], { condition: { query, after: read.after } })),
    );
    await expect(
      run(acme, () =>
        store.transaction((tx) => tx.append(stream(), [titled(tag)], { condition: { query, after: read.after } })),
      ),
    ).rejects.toThrow(AppendConditionError);
  });

  it('counts every tenant for work without a tenant (an operator, a migration)', async () => {
    const tag = `title:${randomUUID()}`;
    await expect(
      decide(undefined, [{ tags: [tag] }], () => run(globex, () => store.append(stream(), [titled(tag)]))),
    ).rejects.toThrow(AppendConditionError);
  });

  it('lets one writer per tenant win when both tenants decide on one tag at once, every round', async () => {
    for (let round = 0; round < 5; round++) {
      const tag = `title:${randomUUID()}`;
      const query = [{ tags: [tag] }];
      const tenants = [acme, globex, acme, globex, acme, globex, acme, globex];
      const reads = await Promise.all(tenants.map((tenant) => run(tenant, () => store.readMatching(query))));
      const settled = await Promise.allSettled(
        tenants.map((tenant, i) =>
          run(tenant, () => store.append(stream(), [titled(tag)], { condition: { query, after: reads[i]!.after } })),
        ),
      );
      for (const tenant of [acme, globex]) {
        expect(settled.filter((s, i) => tenants[i] === tenant && s.status === 'fulfilled')).toHaveLength(1);
        expect((await run(tenant, () => store.readMatching(query))).events).toHaveLength(1);
      }
      for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(AppendConditionError);
    }
  });
});
