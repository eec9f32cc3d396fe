// The CLI entry point, nest-event-sourcing/cli: apart from the main one, so that only an
// app's CLI loads nest-commander.
export { runEventSourcingCli, type EventSourcingCliOptions } from './run-event-sourcing-cli';
export { CliUsageError } from '../errors/cli-usage-error';
