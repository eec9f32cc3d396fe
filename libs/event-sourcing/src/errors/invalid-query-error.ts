import { EventSourcingError } from './event-sourcing-error';

/** A read or query option is malformed (an unreadable duration, a negative limit, ...). */
export class InvalidQueryError extends EventSourcingError {
  readonly code = 'ES_INVALID_QUERY';

  constructor(
    readonly option: string,
    readonly value: unknown,
    hint: string,
  ) {
    super(`Invalid ${option} ${preview(value)}: ${hint}.`);
  }
}

function preview(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
