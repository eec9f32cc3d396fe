import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { EventStore } from '../store/event-store';
import { DatabaseConnection } from '../database/database-connection';
import { AdminTokenGuard } from './admin-token.guard';
import { resolveHttpOptions, type EventSourcingHttpOptions } from './event-sourcing-http-options';
import {
  ConfigurableEventSourcingHttpModule,
  EVENT_SOURCING_HTTP_OPTIONS,
  HTTP_ASYNC_OPTIONS_TYPE,
  HTTP_OPTIONS_TYPE,
} from './event-sourcing-http.module-definition';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency-store';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';
import { ProblemDetailsFilter } from './problem-details.filter';
import { errorMessage } from '../errors/error-message';

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * The HTTP conventions of the library, for apps that serve commands over HTTP. Import
 * it once, in the root module, beside `EventSourcingModule.forRoot`; it is global and
 * registers:
 *
 * - {@link ProblemDetailsFilter} as a global filter (`APP_FILTER`): every error becomes
 *   RFC 9457 problem+json with a stable `code`;
 * - {@link IdempotencyInterceptor} as a global interceptor (`APP_INTERCEPTOR`): the
 *   `Idempotency-Key` header on POST, PATCH, PUT and DELETE, with the keys in the
 *   `es_idempotency_keys` table (in memory with `database: 'memory'`), expired keys
 *   purged hourly;
 * - {@link AdminTokenGuard}, used by `@AdminOnly()` routes.
 *
 * Validation (`ValidationPipe` with {@link validationProblem}) and the body size limit
 * are the application's to set, on the app.
 */
@Module({})
export class EventSourcingHttpModule
  extends ConfigurableEventSourcingHttpModule
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('Idempotency');
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore) {
    super();
  }

  /**
   * Configures the module with static options.
   * @example
   * EventSourcingHttpModule.forRoot({ adminToken: process.env.ADMIN_TOKEN })
   */
  static override forRoot(options: typeof HTTP_OPTIONS_TYPE = {}): DynamicModule {
    return assemble(super.forRoot(options));
  }

  /**
   * Configures the module with options from a factory.
   * @example
   * EventSourcingHttpModule.forRootAsync({
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ adminToken: config.get('ADMIN_TOKEN') }),
   * })
   */
  static override forRootAsync(options: typeof HTTP_ASYNC_OPTIONS_TYPE): DynamicModule {
    return assemble(super.forRootAsync(options));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.idempotency
        .purgeExpired()
        .catch((error: unknown) => this.logger.warn(`Purging expired Idempotency-Keys failed: ${errorMessage(error)}`));
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}

function assemble(base: DynamicModule): DynamicModule {
  const idempotencyStore: Provider = {
    provide: IdempotencyStore,
    // EventStore first: its factory runs the migrations that create the table.
    inject: [EVENT_SOURCING_HTTP_OPTIONS, RESOLVED_OPTIONS, DatabaseConnection, getDataSourceToken(), EventStore],
    useFactory: (
      httpOptions: EventSourcingHttpOptions,
      { schema }: ResolvedOptions,
      connection: DatabaseConnection,
      dataSource: DataSource,
      store: EventStore,
    ): IdempotencyStore => {
      const { pendingTimeoutMs, retentionMs } = resolveHttpOptions(httpOptions);
      const records =
        connection.kind === 'memory'
          ? new InMemoryIdempotencyStore(pendingTimeoutMs, retentionMs)
          : new PostgresIdempotencyStore(dataSource, schema, pendingTimeoutMs, retentionMs);
      // Stored responses may quote personal data: a forgotten subject's go with it.
      store.erasers.add(({ values, manager }) => records.eraseContaining(values, manager).then(() => undefined));
      return records;
    },
  };
  return {
    ...base,
    global: true,
    providers: [
      ...(base.providers ?? []),
      idempotencyStore,
      AdminTokenGuard,
      { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    ],
    exports: [EVENT_SOURCING_HTTP_OPTIONS, IdempotencyStore, AdminTokenGuard],
  };
}
