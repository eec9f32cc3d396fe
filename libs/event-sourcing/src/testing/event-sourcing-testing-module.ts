import type { ModuleMetadata } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { EventSourcingModule } from '../event-sourcing.module';
import { EVENT_SOURCING_OPTIONS } from '../event-sourcing.module-definition';

/**
 * A testing module with `@nestjs/cqrs` and the event-sourcing module on the in-memory
 * store, around your feature modules: no database, a clean store per module.
 * @example
 * const moduleRef = await createEventSourcingTestingModule({ imports: [AccountsModule] }).compile();
 * await moduleRef.init();
 * await moduleRef.get(CommandBus).execute(new OpenAccount('a-1', 'Ada'));
 */
export function createEventSourcingTestingModule(metadata: ModuleMetadata = {}): TestingModuleBuilder {
  return Test.createTestingModule({
    ...metadata,
    imports: [CqrsModule.forRoot(), EventSourcingModule.forRoot({ database: 'memory' }), ...(metadata.imports ?? [])],
  });
}

/**
 * Swaps the in-memory store into a testing module built around an application module
 * that configures `EventSourcingModule.forRoot`/`forRootAsync` itself: its options
 * become `{ database: 'memory' }` so no
 * database is started or reached.
 * @example
 * const moduleRef = await withInMemoryEventStore(Test.createTestingModule({ imports: [AppModule] })).compile();
 */
export function withInMemoryEventStore(builder: TestingModuleBuilder): TestingModuleBuilder {
  return builder.overrideProvider(EVENT_SOURCING_OPTIONS).useValue({ database: 'memory' });
}
