import { Command, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';
import { statusView } from '../operator/operator-views';
import type { SubscriberStatus } from '../subscriptions/subscriber-status';
import { Subscriptions } from '../subscriptions/subscriptions';
import { CliCommand, CliGroup, cut, integerOption, table } from './cli-command';
import { rebuildProgressView } from './rebuild-progress';

const POLL_MS = 250;

/** `subscriptions status`: every durable subscriber's state, position, lag, parked count. @internal */
@SubCommand({
  name: 'status',
  description: 'Every subscriber: state, position, lag, parked events, what holds it back.',
})
export class SubscriptionsStatusCommand extends CliCommand {
  constructor(private readonly subscriptions: Subscriptions) {
    super();
  }

  async run(_args: string[], options: { json?: boolean } = {}): Promise<void> {
    const statuses = await this.subscriptions.status();
    if (options.json) return this.printJson(statuses.map(statusView));
    const heldBack = (s: SubscriberStatus): string =>
      s.heldBackBy ? `transaction ${s.heldBackBy.transactionId} (pid ${s.heldBackBy.pid ?? '?'})` : '';
    const owner = (instance: SubscriberStatus['instance']): string =>
      instance ? `${instance.id ?? `pid ${instance.pid ?? '?'}`}${instance.local ? ' (here)' : ''}` : '';
    // A partitioned subscriber: its line, then one per partition (`name #i`) with its owner.
    const rows = statuses.flatMap((s) => [
      [
        s.name,
        s.kind,
        s.state,
        s.position.toString(),
        s.head.toString(),
        String(s.lag),
        String(s.parked),
        heldBack(s),
        s.partitions ? `${s.partitions.length} partitions` : owner(s.instance),
        cut(s.lastError?.message ?? '', 60),
      ],
      ...(s.partitions ?? []).map((p) => [
        `${s.name} #${p.partition}`,
        'partition',
        p.state,
        p.position.toString(),
        '',
        String(p.lag),
        String(p.parked),
        '',
        owner(p.instance),
        cut(p.lastError?.message ?? '', 60),
      ]),
    ]);
    const columns = ['NAME', 'KIND', 'STATE', 'POSITION', 'HEAD', 'LAG', 'PARKED', 'HELD BACK BY', 'INSTANCE', 'ERROR'];
    this.print(table(columns, rows));
  }

  @Option({ flags: '--json', description: 'Print JSON.' })
  json(): boolean {
    return true;
  }
}

/** `subscriptions rebuild <name>|--all`: replays projections, showing progress, until caught up. @internal */
@SubCommand({
  name: 'rebuild',
  arguments: '[name]',
  description: 'Rebuild a projection (or --all, or one --tenant of it) and wait until it has caught up.',
})
export class SubscriptionsRebuildCommand extends CliCommand {
  constructor(private readonly subscriptions: Subscriptions) {
    super();
  }

  async run(
    [name, ...more]: string[],
    options: { all?: boolean; timeout?: number; tenant?: string } = {},
  ): Promise<void> {
    if (more.length || (name === undefined) === !options.all) {
      throw new CliUsageError('subscriptions rebuild takes one projection name, or --all.');
    }
    if (options.tenant !== undefined) {
      if (name === undefined) throw new CliUsageError('subscriptions rebuild --tenant takes one projection name.');
      const { events } = await this.subscriptions.rebuildTenant(name, options.tenant);
      return this.print(`Rebuilt ${name} for tenant ${options.tenant}: ${events} events replayed.`);
    }
    const started =
      name === undefined ? await this.subscriptions.rebuildAll() : [await this.subscriptions.rebuild(name)];
    const names = started.map((s) => s.name);
    if (!names.length) return this.print('No projections to rebuild.');
    const progress = rebuildProgressView((line) => this.print(line));
    const deadline = Date.now() + (options.timeout ?? 600) * 1000;
    try {
      for (;;) {
        const statuses = (await this.subscriptions.status()).filter((s) => names.includes(s.name));
        progress.update(statuses);
        if (statuses.every((s) => s.rebuild === undefined && s.state === 'caught-up')) break;
        const failing = statuses.find((s) => s.state === 'stopped' || s.state === 'parked');
        if (failing)
          throw new Error(`${failing.name} is ${failing.state}: ${failing.lastError?.message ?? 'see its status'}`);
        if (Date.now() > deadline) throw new Error(`${names.join(', ')}: not caught up within the --timeout`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } finally {
      progress.stop();
    }
    this.print(`Rebuilt and caught up: ${names.join(', ')}.`);
  }

  @Option({ flags: '--all', description: 'Every async projection.' })
  all(): boolean {
    return true;
  }

  @Option({
    flags: '--tenant <tenantId>',
    description: "Only this tenant's rows (the projection needs resetTenant); done when it returns.",
  })
  tenant(value: string): string {
    return value;
  }

  @Option({ flags: '--timeout <seconds>', description: 'Give up after this long (default 600).' })
  timeout(value: string): number {
    return integerOption('--timeout', 1)(value);
  }
}

/** `subscriptions`: status and rebuild. @internal */
@Command({
  name: 'subscriptions',
  description: 'See and rebuild the durable subscribers.',
  subCommands: [SubscriptionsStatusCommand, SubscriptionsRebuildCommand],
})
export class SubscriptionsCommand extends CliGroup {
  protected readonly subcommands = 'status, rebuild';
}
