import { Module, type DynamicModule, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import { MessageContext } from '../events/message-context';
import { logDestination, requestLogOptions, resolveFormat, type RequestLoggingOptions } from './request-log-options';

/** Options of {@link EventSourcingLoggerModule.forRootAsync}: the options from providers. */
export interface RequestLoggingAsyncOptions {
  imports?: ModuleMetadata['imports'];
  /** Tokens whose providers `useFactory` receives, in order. */
  inject?: unknown[];
  useFactory: (...args: never[]) => RequestLoggingOptions | Promise<RequestLoggingOptions>;
}

/**
 * Request logs and every other log line of the app through `nestjs-pino`: one line per
 * request (method, path, status, duration) and the correlation id on every line, so a
 * problem response's `correlationId` finds all that its request did, including in
 * projections and sagas. JSON in production, readable lines in development. Headers,
 * query strings and bodies are never logged. Import it next to `EventSourcingModule`
 * and call {@link useRequestLogger} in `main.ts`.
 * @example
 * @Module({ imports: [EventSourcingModule.forRoot({ … }), EventSourcingLoggerModule.forRoot({ level: 'info' })] })
 * export class AppModule {}
 */
@Module({})
export class EventSourcingLoggerModule {
  static forRoot(options: RequestLoggingOptions = {}): DynamicModule {
    return EventSourcingLoggerModule.forRootAsync({ useFactory: () => options });
  }

  /**
   * The same, with options built from providers (the app's validated environment).
   * @example
   * EventSourcingLoggerModule.forRootAsync({
   *   inject: [appEnvironment.KEY],
   *   useFactory: (env: AppEnvironmentValues) => ({ format: env.LOG_FORMAT, level: env.LOG_LEVEL }),
   * })
   */
  static forRootAsync(options: RequestLoggingAsyncOptions): DynamicModule {
    const factory = options.useFactory as (
      ...args: unknown[]
    ) => RequestLoggingOptions | Promise<RequestLoggingOptions>;
    return {
      module: EventSourcingLoggerModule,
      imports: [
        LoggerModule.forRootAsync({
          imports: options.imports,
          providers: [],
          inject: [MessageContext, ...(options.inject ?? [])] as never[],
          useFactory: async (messages: MessageContext, ...args: unknown[]) => {
            const given = await factory(...args);
            const pinoOptions = requestLogOptions(messages, given);
            const destination = given.destination ?? logDestination(resolveFormat(given.format));
            return { pinoHttp: destination ? [pinoOptions, destination] : pinoOptions };
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

/**
 * Makes the app's `Logger` (Nest's own lines, the library's and the app's) write through
 * the module's pino logger, and writes the lines buffered while the app started.
 * @example
 * await startHttpApp(AppModule, { port, setUp: (app) => useRequestLogger(app) });
 */
export function useRequestLogger(app: INestApplication): void {
  app.useLogger(app.get(Logger));
}
