import { compareEventSchemaFile, type EventSchemaFileOptions } from '../events/event-schema-file';

/**
 * A test that fails when an event class changed shape without a new revision and an
 * upcaster from the old one, when a type disappeared, or when the recorded file is out
 * of date (a new type, a new revision): the file is committed, so the change shows in
 * review. With `RECORD_EVENT_SCHEMAS=true` in the environment, safe changes are written
 * to the file instead (breaking ones still fail).
 * @throws Error listing every problem and how to fix it.
 * @example
 * it('keeps stored events readable', () => {
 *   expectEventSchemasRecorded({ project: 'tsconfig.json', under: 'apps/bank/src', file: 'apps/bank/event-schemas.json' });
 * });
 */
export function expectEventSchemasRecorded(options: EventSchemaFileOptions): void {
  const comparison = compareEventSchemaFile(options);
  if (comparison.breaking.length) {
    throw new Error(`Event classes break events stored before:\n- ${comparison.breaking.join('\n- ')}`);
  }
  if (comparison.unrecorded.length === 0) return;
  if (process.env.RECORD_EVENT_SCHEMAS === 'true') {
    comparison.record();
    return;
  }
  throw new Error(
    `${options.file} is out of date:\n- ${comparison.unrecorded.join('\n- ')}\nRecord it: RECORD_EVENT_SCHEMAS=true npx jest <this test>, or nest-event-sourcing-events record --file ${options.file}.`,
  );
}
