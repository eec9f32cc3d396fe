import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import type { MessageContext } from '../events/message-context';

type JsonLogOptions = {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
  params?: Record<string, unknown>;
  error?: Error;
};

/**
 * Nest's `ConsoleLogger` with the current correlation id (and causation id) in every
 * line logged while a request or command is handled: a `correlationId` field in JSON
 * mode (`{ json: true }`, one object per line for a log collector), `[correlation id]`
 * after the context otherwise. So a problem response's `correlationId` finds its log lines.
 * @example
 * const app = await NestFactory.create(AppModule, { bufferLogs: true });
 * app.useLogger(new CorrelationLogger(app.get(MessageContext), { json: process.env.LOG_FORMAT === 'json' }));
 */
export class CorrelationLogger extends ConsoleLogger {
  constructor(
    private readonly messages: MessageContext,
    options: ConsoleLoggerOptions = {},
  ) {
    super(options);
  }

  // The return type is inferred: the base class's, which Nest does not export.
  protected override getJsonLogObject(message: unknown, options: JsonLogOptions) {
    const ids = this.messages.current();
    const object = super.getJsonLogObject(message, options);
    if (ids) {
      object.correlationId = ids.correlationId;
      if (ids.causationId) object.causationId = ids.causationId;
    }
    return object;
  }

  protected override formatContext(context: string): string {
    const id = this.messages.current()?.correlationId;
    return id ? `${super.formatContext(context)}[${id}] ` : super.formatContext(context);
  }
}
