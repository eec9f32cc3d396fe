import { join } from 'node:path';
import { expectEventSchemasRecorded } from 'nest-event-sourcing/testing';

// Stored events keep the shape they were written in: a class that changes shape needs a
// new revision and an upcaster, and the recorded file (committed) shows every change.
it('keeps every stored todo event readable: shapes match apps/todo/event-schemas.json', () => {
  expectEventSchemasRecorded({
    project: join(__dirname, '../../../tsconfig.json'),
    under: __dirname,
    file: join(__dirname, '../event-schemas.json'),
  });
}, 60_000);
