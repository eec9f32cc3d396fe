import { CommandRunner } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';

/** commander's command, as nest-commander hands it over. */
type Command = Parameters<CommandRunner['setCommand']>[0];

/**
 * A command of the CLI: commander's errors (an unknown option, a missing argument) are
 * thrown rather than ending the process, so the CLI closes the application and exits
 * with code 2; output goes through {@link CliCommand.print}. @internal
 */
export abstract class CliCommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride((error) => {
      throw error;
    });
    return super.setCommand(command);
  }

  /** Writes a line (or lines) to stdout. */
  protected print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes a value as indented JSON, bigints as strings. */
  protected printJson(value: unknown): void {
    this.print(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
  }
}

/** A command that only groups subcommands (`events`, `parked`…): alone, a usage error. @internal */
export abstract class CliGroup extends CliCommand {
  protected abstract readonly subcommands: string;

  async run(): Promise<void> {
    throw new CliUsageError(`${this.command.name()}: give a subcommand (${this.subcommands}); --help lists them.`);
  }
}

/** Reads a whole number option, from `min`. @internal */
export function integerOption(name: string, min: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]{1,9}$/.test(value) || Number(value) < min) {
      throw new CliUsageError(`${name} must be a whole number from ${min}, got ${JSON.stringify(value)}.`);
    }
    return Number(value);
  };
}

/** Collects a repeatable option into a list. @internal */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Cuts a text to `max` characters for a table. @internal */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Lays rows out as aligned columns. @internal */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
