// The logging entry point, nest-event-sourcing/logging: apart from the main one, so that
// only an app that logs through pino needs nestjs-pino, pino and pino-http installed.
export {
  EventSourcingLoggerModule,
  useRequestLogger,
  type RequestLoggingAsyncOptions,
} from './event-sourcing-logger.module';
export type { LogFormat, RequestLoggingOptions } from './request-log-options';
