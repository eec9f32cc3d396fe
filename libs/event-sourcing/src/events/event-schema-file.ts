import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  checkEventSchemas,
  recordEventSchemas,
  type EventSchemaCheck,
  type RecordedEventSchemas,
} from './event-schema-check';
import { readEventSchemas, type EventSchemaSources } from './event-schemas';

/** Where the event classes are and where their shapes are recorded. */
export interface EventSchemaFileOptions extends EventSchemaSources {
  /** The committed JSON file of the recorded shapes (`event-schemas.json`). */
  file: string;
}

/** The code's event classes against the recorded file, and a way to record them. */
export interface EventSchemaComparison extends EventSchemaCheck {
  /** Whether the file exists. */
  recorded: boolean;
  /** Writes the code's shapes to the file. */
  record(): void;
}

/**
 * Reads the event classes of a project and compares them with the recorded file (an
 * absent file counts as empty: every type is new). See `checkEventSchemas`.
 * @throws ConfigurationError when `typescript` is missing or the project cannot be read.
 */
export function compareEventSchemaFile(options: EventSchemaFileOptions): EventSchemaComparison {
  const current = readEventSchemas(options);
  const recorded = existsSync(options.file);
  const previous = recorded ? (JSON.parse(readFileSync(options.file, 'utf8')) as RecordedEventSchemas) : { events: {} };
  return {
    ...checkEventSchemas(previous, current),
    recorded,
    record: () => writeFileSync(options.file, `${JSON.stringify(recordEventSchemas(current), null, 2)}\n`),
  };
}
