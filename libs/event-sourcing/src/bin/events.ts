#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { compareEventSchemaFile } from '../events/event-schema-file';

// nest-event-sourcing-events check|record --project tsconfig.json [--under src] [--file event-schemas.json]
const USAGE =
  'Usage: nest-event-sourcing-events check|record [--project tsconfig.json] [--under <folder>] [--file event-schemas.json]';

function main(): number {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      project: { type: 'string', default: 'tsconfig.json' },
      under: { type: 'string' },
      file: { type: 'string', default: 'event-schemas.json' },
    },
  });
  const [command] = positionals;
  if (command !== 'check' && command !== 'record') {
    console.error(USAGE);
    return 2;
  }
  const comparison = compareEventSchemaFile({ project: values.project, under: values.under, file: values.file });
  for (const line of comparison.breaking) console.error(`breaking: ${line}`);
  if (comparison.breaking.length) return 1;
  if (command === 'record') {
    comparison.record();
    for (const line of comparison.unrecorded) console.log(`recorded: ${line}`);
    console.log(`${values.file} is up to date.`);
    return 0;
  }
  for (const line of comparison.unrecorded) console.error(`not recorded: ${line}`);
  if (comparison.unrecorded.length) {
    console.error(
      `Record them: nest-event-sourcing-events record --file ${values.file}${values.under ? ` --under ${values.under}` : ''}`,
    );
    return 1;
  }
  console.log(`Every event class matches ${values.file}.`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
