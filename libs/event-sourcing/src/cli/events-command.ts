import { Command, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';
import { EventStore } from '../store/event-store';
import { toEventQuery, type OperatorEventQuery } from '../operator/operator-event-query';
import { eventView } from '../operator/operator-views';
import { CliCommand, CliGroup, collect, cut, integerOption, table } from './cli-command';

/** The filters the CLI takes, as `GET /events` names them (`--tenant` for `tenantId`), and `--json`. */
type EventsQueryOptions = Pick<
  OperatorEventQuery,
  'type' | 'stream' | 'streamType' | 'since' | 'until' | 'correlationId' | 'any' | 'limit' | 'order'
> & { tenant?: string; json?: boolean };

/** `events query …`: the store's `queryEvents`, with the filters of `GET /events`. @internal */
@SubCommand({
  name: 'query',
  description: 'Find events by type, stream, stream type, time, correlation id and tenant.',
})
export class EventsQueryCommand extends CliCommand {
  constructor(private readonly store: EventStore) {
    super();
  }

  async run(args: string[], options: EventsQueryOptions = {}): Promise<void> {
    if (args.length) throw new CliUsageError(`events query takes options only, got ${JSON.stringify(args[0])}.`);
    const { json, tenant, ...rest } = options;
    const filters: OperatorEventQuery = tenant === undefined ? rest : { ...rest, tenantId: tenant };
    const events = (await this.store.queryEvents(toEventQuery(filters))).map(eventView);
    if (json) return this.printJson(events);
    if (!events.length) return this.print('No events match.');
    const rows = events.map((e) => [
      e.position,
      `${e.streamId}@${e.version}`,
      e.type,
      e.createdAt,
      cut(JSON.stringify(e.data), 80),
    ]);
    this.print(table(['POSITION', 'STREAM@VERSION', 'TYPE', 'CREATED', 'DATA'], rows));
  }

  @Option({ flags: '--type <type>', description: 'An event type (repeat for several).' })
  type(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--stream <streamId>', description: 'A stream id (repeat for several).' })
  stream(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--stream-type <type>', description: 'A stream type (repeat for several).' })
  streamType(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--since <when>', description: 'Created that long ago or later ("3 days"), or since an ISO time.' })
  since(value: string): string {
    return value;
  }

  @Option({ flags: '--until <when>', description: 'Created before that long ago ("1 hour"), or an ISO time.' })
  until(value: string): string {
    return value;
  }

  @Option({ flags: '--correlation-id <id>', description: 'Events of one request or process.' })
  correlationId(value: string): string {
    return value;
  }

  @Option({ flags: '--tenant <id>', description: "One tenant's events (every tenant's without it)." })
  tenant(value: string): string {
    return value;
  }

  @Option({
    flags: '--any <json>',
    description: 'Filters OR-ed, as in GET /events: [{"type":["a"]},{"stream":["b"]}].',
  })
  any(value: string): string {
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'At most this many events (default 100).' })
  limit(value: string): number {
    return integerOption('--limit', 1)(value);
  }

  @Option({ flags: '--order <order>', description: 'newest (default) or oldest first.' })
  order(value: string): 'newest-first' | 'oldest-first' {
    if (value === 'newest' || value === 'newest-first') return 'newest-first';
    if (value === 'oldest' || value === 'oldest-first') return 'oldest-first';
    throw new CliUsageError(`--order must be newest or oldest, got ${JSON.stringify(value)}.`);
  }

  @Option({ flags: '--json', description: 'Print JSON.' })
  json(): boolean {
    return true;
  }
}

/** `events`: the group of {@link EventsQueryCommand}. @internal */
@Command({ name: 'events', description: 'Read the event store.', subCommands: [EventsQueryCommand] })
export class EventsCommand extends CliGroup {
  protected readonly subcommands = 'query';
}
