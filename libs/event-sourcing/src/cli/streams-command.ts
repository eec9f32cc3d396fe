import { Command, Option, SubCommand } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';
import { StreamInspector } from '../operator/stream-inspector';
import { CliCommand, CliGroup } from './cli-command';

/** `streams show <streamId>`: a stream's type, version, deleted flag and snapshot. @internal */
@SubCommand({
  name: 'show',
  arguments: '<streamId>',
  description: "A stream's type, version, deleted flag and snapshot.",
})
export class StreamsShowCommand extends CliCommand {
  constructor(private readonly streams: StreamInspector) {
    super();
  }

  async run([streamId, ...more]: string[], options: { json?: boolean } = {}): Promise<void> {
    if (!streamId || more.length) throw new CliUsageError('streams show takes one stream id.');
    const stream = await this.streams.show(streamId);
    if (options.json) return this.printJson(stream);
    const snapshot = stream.snapshot
      ? `version ${stream.snapshot.version} (revision ${stream.snapshot.revision})`
      : 'none';
    this.print(
      [
        `stream    ${stream.streamId}`,
        `type      ${stream.streamType}`,
        `version   ${stream.version}`,
        `deleted   ${stream.deleted ? 'yes' : 'no'}`,
        `created   ${stream.createdAt}`,
        `snapshot  ${snapshot}`,
      ].join('\n'),
    );
  }

  @Option({ flags: '--json', description: 'Print JSON.' })
  json(): boolean {
    return true;
  }
}

/** `streams`: the group of {@link StreamsShowCommand}. @internal */
@Command({ name: 'streams', description: 'Inspect streams.', subCommands: [StreamsShowCommand] })
export class StreamsCommand extends CliGroup {
  protected readonly subcommands = 'show';
}
