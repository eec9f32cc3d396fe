import type { MessageContext } from '../events/message-context';
import { inSpan } from '../observability/in-span';
import { libraryInstruments } from '../observability/library-metrics';
import { telemetryApi, tracingOn } from '../observability/telemetry-api';
import { TelemetryAttributes as A } from '../observability/telemetry-names';

type Execute = (command: unknown) => Promise<unknown>;

/** A command's type as traces and metrics name it: its class name, else its handler's. @internal */
export function commandTypeOf(command: unknown, handler: string): string {
  const type = command !== null && typeof command === 'object' ? command.constructor?.name : undefined;
  return type && type !== 'Object' ? type : handler;
}

/**
 * A handler's `execute` that runs each try in a span named after the command's type,
 * with its name, handler, try number and correlation id; a try that fails (a version
 * conflict retried, say) ends with status ERROR. @internal
 */
export function traceTries(execute: Execute, handler: string, context: MessageContext): Execute {
  if (!telemetryApi()) return execute;
  const tries = new WeakMap<object, number>();
  return (command) => {
    if (!tracingOn()) return execute(command);
    const type = commandTypeOf(command, handler);
    const ids = context.current();
    const attempt = ids ? (tries.get(ids) ?? 0) + 1 : 1;
    if (ids) tries.set(ids, attempt);
    const attributes = {
      [A.COMMAND_NAME]: type,
      [A.COMMAND_HANDLER]: handler,
      [A.COMMAND_ATTEMPTS]: attempt,
      ...(ids ? { [A.CORRELATION_ID]: ids.correlationId } : {}),
    };
    return inSpan(type, { attributes }, () => execute(command));
  };
}

/** Counts a command handler run again after a conflict (the failed try's span holds the error). @internal */
export function commandRetried(command: unknown, handler: string): void {
  libraryInstruments()?.commandRetries.add(1, { [A.COMMAND_NAME]: commandTypeOf(command, handler) });
}
