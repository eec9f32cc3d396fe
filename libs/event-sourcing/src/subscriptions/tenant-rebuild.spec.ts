import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { TenantResetMissingError } from '../errors/tenant-reset-missing-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { WaitTimeoutError } from '../errors/wait-timeout-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { MessageContext } from '../events/message-context';
import type { ProjectionContext } from '../projections/projection-context';
import { Projection, type ProjectionTenantReset } from '../projections/projection.decorator';
import { EventStore } from '../store/event-store';
import { DurableEventHandler } from './durable-event-handler.decorator';
import { On } from './on.decorator';
import { Subscriptions } from './subscriptions';

// Per-tenant rebuilds on both stores, with projections that keep their state in a provider.

@DomainEvent('tenant-rebuild.noted')
class Noted {
  constructor(readonly text: string) {}
}

/** One applied event as a projection saw it. */
interface Applied {
  eventId: string;
  replaying: boolean;
  /** The tenant of the MessageContext the handler ran in. */
  contextTenant: string | undefined;
}

@Injectable()
class NotesState {
  /** Per projection, per tenant, the events applied, in order. */
  readonly applied = new Map<string, Map<string, Applied[]>>();
  resets: string[] = [];
  /** While set, a reset waits for it: the rebuild is held open. */
  gate: Promise<void> | undefined;
  resetEntered: (() => void) | undefined;

  of(projection: string): Map<string, Applied[]> {
    let byTenant = this.applied.get(projection);
    if (!byTenant) this.applied.set(projection, (byTenant = new Map()));
    return byTenant;
  }
}

/** The state-keeping part the two projections share (decorated, so its constructor's types are recorded). */
@Injectable()
abstract class NotesProjection implements ProjectionTenantReset {
  protected abstract readonly key: string;

  constructor(
    protected readonly state: NotesState,
    private readonly context: MessageContext,
  ) {}

  protected record(event: EventEnvelope, { replaying }: ProjectionContext): void {
    const tenant = String(event.metadata.tenantId);
    const byTenant = this.state.of(this.key);
    const list = byTenant.get(tenant) ?? [];
    list.push({ eventId: event.eventId, replaying, contextTenant: this.context.current()?.tenantId });
    byTenant.set(tenant, list);
  }

  async resetTenant(tenantId: string): Promise<void> {
    this.state.resets.push(`${this.key}:${tenantId}`);
    this.state.of(this.key).delete(tenantId);
    this.state.resetEntered?.();
    await this.state.gate;
  }
}

@Projection('tenant-notes')
@Injectable()
class TenantNotes extends NotesProjection {
  protected readonly key = 'tenant-notes';

  @On(Noted)
  noted(event: EventEnvelope<Noted>, context: ProjectionContext): void {
    this.record(event, context);
  }
}

@Projection('tenant-notes-split', { partitions: 3 })
@Injectable()
class SplitNotes extends NotesProjection {
  protected readonly key = 'tenant-notes-split';

  @On(Noted)
  noted(event: EventEnvelope<Noted>, context: ProjectionContext): void {
    this.record(event, context);
  }
}

@Projection('tenant-notes-plain')
@Injectable()
class PlainNotes {
  @On(Noted)
  noted(): void {}
}

@DurableEventHandler('tenant-notes-mailer')
@Injectable()
class NotesMailer {
  @On(Noted)
  noted(): void {}
}

/** Generous: on a busy shared server another suite's open transaction can hold subscribers back a while. */
const CATCH_UP = { timeoutMs: 30_000 };

describe.each(['memory', 'postgres'] as const)('per-tenant rebuild (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let subscriptions: Subscriptions;
  let context: MessageContext;
  let state: NotesState;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'tenant_rebuild') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          tenancy: true,
          batchSize: 7,
          subscriptions: { pollIntervalMs: kind === 'memory' ? 60_000 : 200, leaseRetryMs: 200, maxBackoffMs: 300 },
        }),
      ],
      providers: [NotesState, TenantNotes, SplitNotes, PlainNotes, NotesMailer],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    subscriptions = moduleRef.get(Subscriptions);
    context = moduleRef.get(MessageContext);
    state = moduleRef.get(NotesState);
  });

  afterEach(async () => {
    state.gate = undefined;
    await moduleRef.close();
    await database?.drop();
  });

  /** Appends `count` notes as a tenant, each on a stream of its own, one append each. */
  const note = async (tenantId: string, count: number, label = 'n'): Promise<bigint> => {
    let last = 0n;
    for (let i = 0; i < count; i++) {
      const { position } = await context.run({ correlationId: `c-${tenantId}-${i}`, tenantId }, () =>
        store.append(`note-${tenantId}-${label}${i}`, [{ type: 'tenant-rebuild.noted', data: { text: `${i}` } }]),
      );
      last = position;
    }
    return last;
  };
  const idsOf = (projection: string, tenant: string): string[] =>
    (state.of(projection).get(tenant) ?? []).map((a) => a.eventId);

  it.each(['tenant-notes', 'tenant-notes-split'])(
    'replays only the tenant’s events into %s, in that tenant’s context, and leaves the other tenant alone',
    async (name) => {
      await note('acme', 20);
      await note('globex', 9);
      await subscriptions.waitUntilCaughtUp(undefined, CATCH_UP);
      const acmeBefore = idsOf(name, 'acme');
      const globexBefore = state.of(name).get('globex');
      expect(acmeBefore).toHaveLength(20);
      // Damage acme's rows.
      state.of(name).set('acme', [{ eventId: 'garbage', replaying: false, contextTenant: undefined }]);

      const result = await subscriptions.rebuildTenant(name, 'acme');

      expect(result).toEqual({ name, tenantId: 'acme', events: 20 });
      expect(state.resets).toEqual([`${name}:acme`]);
      const replayed = state.of(name).get('acme')!;
      // By position: the same events the live subscriber applied (partitioned: in another order).
      expect(replayed.map((a) => a.eventId).sort()).toEqual([...acmeBefore].sort());
      if (name === 'tenant-notes') expect(replayed.map((a) => a.eventId)).toEqual(acmeBefore);
      expect(replayed.every((a) => a.replaying && a.contextTenant === 'acme')).toBe(true);
      // The other tenant's entry is the very same, not rewritten.
      expect(state.of(name).get('globex')).toBe(globexBefore);
      expect(globexBefore).toHaveLength(9);
    },
  );

  it('holds the live subscriber back while it replays, then lets the tenant’s new events through once', async () => {
    await note('acme', 10);
    await note('globex', 3);
    await subscriptions.waitUntilCaughtUp(undefined, CATCH_UP);
    let entered!: () => void;
    const inReset = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    state.gate = new Promise<void>((resolve) => (release = resolve));
    state.resetEntered = entered;

    const rebuilding = subscriptions.rebuildTenant('tenant-notes', 'acme');
    await inReset;
    const liveAcme = await note('acme', 4, 'live');
    const liveGlobex = await note('globex', 2, 'live');
    // Held back: its checkpoint does not reach the live events while the rebuild runs.
    await expect(subscriptions.waitFor('tenant-notes', liveGlobex, { timeoutMs: 300 })).rejects.toThrow(
      WaitTimeoutError,
    );
    state.resetEntered = undefined;
    release();

    expect((await rebuilding).events).toBe(10);
    await subscriptions.waitFor('tenant-notes', liveAcme > liveGlobex ? liveAcme : liveGlobex, CATCH_UP);
    const acme = state.of('tenant-notes').get('acme')!;
    // The 10 replayed, then the 4 live ones, each once.
    expect(acme.map((a) => a.replaying)).toEqual([...Array<boolean>(10).fill(true), ...Array<boolean>(4).fill(false)]);
    expect(new Set(acme.map((a) => a.eventId)).size).toBe(14);
    expect(state.of('tenant-notes').get('globex')).toHaveLength(5);
    expect(await subscriptions.statusOf('tenant-notes')).toMatchObject({ state: 'caught-up', parked: 0 });
  });

  it('refuses a projection without resetTenant, a durable handler, and an empty tenant id', async () => {
    const missing = subscriptions.rebuildTenant('tenant-notes-plain', 'acme');
    await expect(missing).rejects.toThrow(TenantResetMissingError);
    await expect(missing).rejects.toMatchObject({ code: 'ES_TENANT_RESET_MISSING' });
    await expect(missing).rejects.toThrow(/PlainNotes has no resetTenant\(tenantId, manager\) method/);
    await expect(subscriptions.rebuildTenant('tenant-notes-mailer', 'acme')).rejects.toThrow(UnsupportedOperationError);
    await expect(subscriptions.rebuildTenant('tenant-notes', '')).rejects.toThrow(InvalidQueryError);
    expect(state.resets).toEqual([]);
  });

  it('replays nothing for a tenant with no events, after resetting it', async () => {
    await note('acme', 2);
    await subscriptions.waitUntilCaughtUp(undefined, CATCH_UP);
    expect(await subscriptions.rebuildTenant('tenant-notes', 'initech')).toEqual({
      name: 'tenant-notes',
      tenantId: 'initech',
      events: 0,
    });
    expect(state.resets).toEqual(['tenant-notes:initech']);
    expect(idsOf('tenant-notes', 'acme')).toHaveLength(2);
  });
});
