import { Command, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';
import { parkedView } from '../operator/operator-views';
import { Subscriptions } from '../subscriptions/subscriptions';
import { CliCommand, CliGroup, cut, table } from './cli-command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `<subscriber> <eventId>` of retry and dismiss, checked. */
function target(command: string, args: string[]): [string, string] {
  const [subscriber, eventId, ...more] = args;
  if (!subscriber || !eventId || more.length)
    throw new CliUsageError(`parked ${command} takes <subscriber> <eventId>.`);
  if (!UUID.test(eventId)) throw new CliUsageError(`The event id must be a UUID, got ${JSON.stringify(eventId)}.`);
  return [subscriber, eventId];
}

/** `parked list`: the events subscribers gave up on, with their errors. @internal */
@SubCommand({ name: 'list', description: 'Events subscribers gave up on, with their errors.' })
export class ParkedListCommand extends CliCommand {
  constructor(private readonly subscriptions: Subscriptions) {
    super();
  }

  async run(_args: string[], options: { json?: boolean } = {}): Promise<void> {
    const parked = await this.subscriptions.parked();
    if (options.json) return this.printJson(parked.map(parkedView));
    if (!parked.length) return this.print('No parked events.');
    const rows = parked.map((p) => [
      p.subscriber,
      p.eventId,
      `${p.streamId}@${p.version}`,
      p.type,
      String(p.attempts),
      cut(p.error, 60),
    ]);
    this.print(table(['SUBSCRIBER', 'EVENT', 'STREAM@VERSION', 'TYPE', 'ATTEMPTS', 'ERROR'], rows));
  }

  @Option({ flags: '--json', description: 'Print JSON.' })
  json(): boolean {
    return true;
  }
}

/** `parked retry <subscriber> <eventId>`. @internal */
@SubCommand({ name: 'retry', arguments: '<subscriber> <eventId>', description: 'Try a parked event again.' })
export class ParkedRetryCommand extends CliCommand {
  constructor(private readonly subscriptions: Subscriptions) {
    super();
  }

  async run(args: string[]): Promise<void> {
    const [subscriber, eventId] = target('retry', args);
    const outcome = await this.subscriptions.retryParked(subscriber, eventId);
    this.print(outcome === 'resumed' ? `${subscriber} resumes at ${eventId}.` : `${subscriber} handled ${eventId}.`);
  }
}

/** `parked dismiss <subscriber> <eventId>`. @internal */
@SubCommand({
  name: 'dismiss',
  arguments: '<subscriber> <eventId>',
  description: 'Give up on a parked event for good.',
})
export class ParkedDismissCommand extends CliCommand {
  constructor(private readonly subscriptions: Subscriptions) {
    super();
  }

  async run(args: string[]): Promise<void> {
    const [subscriber, eventId] = target('dismiss', args);
    await this.subscriptions.dismissParked(subscriber, eventId);
    this.print(`${subscriber} dismissed ${eventId}.`);
  }
}

/** `parked`: list, retry, dismiss. @internal */
@Command({
  name: 'parked',
  description: 'Parked events: list, retry, dismiss.',
  subCommands: [ParkedListCommand, ParkedRetryCommand, ParkedDismissCommand],
})
export class ParkedCommand extends CliGroup {
  protected readonly subcommands = 'list, retry, dismiss';
}
