import type { ModuleMetadata } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { EventSourcingModule } from '../event-sourcing.module';

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
