import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CliUsageError } from '../errors/cli-usage-error';
import { ConfigurationError } from '../errors/configuration-error';
import { errorMessage } from '../errors/error-message';
import { EventSourcingError } from '../errors/event-sourcing-error';
import type * as CliCommands from './cli-commands';

/** Options of {@link runEventSourcingCli}. */
export interface EventSourcingCliOptions {
  /** The program's name in help and messages. Default `cli`. */
  name?: string;
  /** The arguments, commands first. Default `process.argv.slice(2)`. */
  args?: readonly string[];
}

const USAGE =
  'events query | streams show | subscriptions status|rebuild | parked list|retry|dismiss | permissions rebuild | generate';

@Module({})
class EventSourcingCliRoot {}

/**
 * Runs the operator CLI on an application's module (the one that imports
 * `EventSourcingModule.forRoot` and its features), from a second entry point of the
 * app. Commands: `events query`, `streams show`, `subscriptions status|rebuild`,
 * `parked list|retry|dismiss`, `permissions rebuild`, and `generate` (which starts no application).
 * `--help` lists each one's options. Needs the optional packages `nest-commander` (and
 * `cli-progress` for progress bars on a terminal), loaded only here.
 *
 * The application starts without listening on a port; it runs the subscribers like any
 * instance (a rebuild goes on here when no other instance holds the projection).
 * @returns the exit code, also set as `process.exitCode`: 0 done, 1 failed, 2 usage
 *   error (with a one-line message on stderr).
 * @example
 * // src/cli.ts
 * void runEventSourcingCli(AppModule, { name: 'bank' });
 */
export async function runEventSourcingCli(
  appModule: Type | DynamicModule,
  options: EventSourcingCliOptions = {},
): Promise<number> {
  const args = [...(options.args ?? process.argv.slice(2))];
  const name = options.name ?? 'cli';
  let code = 0;
  const fail = (error: unknown): void => {
    const commander = commanderError(error);
    if (commander) {
      // commander has written its one line (or the help) already.
      code = commander.exitCode === 0 ? 0 : 2;
      return;
    }
    code = isUsageError(error) ? 2 : 1;
    process.stderr.write(`${name}: ${errorMessage(error)}\n`);
  };
  try {
    if (args.length === 0) throw new CliUsageError(`give a command: ${USAGE}; --help lists them.`);
    const { CommandFactory, CLI_PROVIDERS, OFFLINE_PROVIDERS } = loadCommands();
    const offline = args[0] === 'generate';
    const root: DynamicModule = {
      module: EventSourcingCliRoot,
      imports: offline ? [] : [appModule],
      providers: offline ? OFFLINE_PROVIDERS : CLI_PROVIDERS,
    };
    await CommandFactory.run(root, {
      logger: false,
      abortOnError: false,
      cliName: name,
      errorHandler: (error) => {
        throw error;
      },
      serviceErrorHandler: fail,
    });
  } catch (error) {
    fail(error);
  }
  process.exitCode = code;
  return code;
}

/** Bad input to a command: its options, or a query or stream id the store refuses. */
function isUsageError(error: unknown): boolean {
  return (
    error instanceof CliUsageError ||
    (error instanceof EventSourcingError &&
      (error.code === 'ES_INVALID_QUERY' || error.code === 'ES_INVALID_STREAM_ID'))
  );
}

function commanderError(error: unknown): { exitCode: number } | undefined {
  const { code, exitCode } = (error ?? {}) as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number'
    ? { exitCode }
    : undefined;
}

/**
 * The command classes, loaded once nest-commander is known to be there: they are
 * decorated with it.
 * @throws ConfigurationError naming the package to install.
 */
function loadCommands(): typeof CliCommands {
  try {
    require.resolve('nest-commander');
  } catch (error) {
    throw new ConfigurationError(
      'The CLI needs the optional package nest-commander (and cli-progress for progress bars): npm install nest-commander cli-progress.',
      { cause: error },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only after the check above
  return require('./cli-commands') as typeof CliCommands;
}
