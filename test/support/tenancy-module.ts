import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventSourcingModule } from '../../libs/event-sourcing/src/event-sourcing.module';
import { MessageContext } from '../../libs/event-sourcing/src/events/message-context';
import { EventStore } from '../../libs/event-sourcing/src/store/event-store';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A module with `tenancy: true` on one kind of store, for the tenancy specs. */
export interface TenancyModule {
  moduleRef: TestingModule;
  store: EventStore;
  context: MessageContext;
  /** Runs `work` for `tenantId` (as work without a tenant when undefined). */
  run<T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T>;
  /** Closes the module and drops its database. */
  close(): Promise<void>;
}

/** Boots the module on the memory store or a fresh PostgreSQL database named after `name`. */
export async function bootTenancyModule(
  kind: 'memory' | 'postgres',
  name: string,
  features: DynamicModule[] = [],
): Promise<TenancyModule> {
  const database: TestDatabase | undefined =
    kind === 'postgres' ? await createTestDatabase('postgres', name) : undefined;
  const moduleRef = await Test.createTestingModule({
    imports: [
      CqrsModule.forRoot(),
      EventSourcingModule.forRoot({ database: database?.url ?? 'memory', tenancy: true }),
      ...features,
    ],
  }).compile();
  await moduleRef.init();
  const context = moduleRef.get(MessageContext);
  return {
    moduleRef,
    store: moduleRef.get(EventStore),
    context,
    run: (tenantId, work) => context.run({ correlationId: randomUUID(), ...(tenantId ? { tenantId } : {}) }, work),
    close: async () => {
      await moduleRef.close();
      await database?.drop();
    },
  };
}
