import { CQRS_COMMAND_HANDLER_METADATA } from '../events/cqrs-metadata';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ConcurrencyError } from '../errors/concurrency-error';
import { TransactionConflictError } from '../errors/transaction-conflict-error';
import { AppendConditionError } from '../errors/append-condition-error';
import { errorMessage } from '../errors/error-message';
import { ConfigurationError } from '../errors/configuration-error';
import { MessageContext } from '../events/message-context';
import { CommandTries } from './command-tries';
import type { WarmScope } from './warm-scope';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import { getCommandRetryOptions } from './command-retry.decorator';
import { commandRetried, traceTries } from './command-telemetry';

/** A command with the optional ids this library reads. */
interface CommandIds {
  /** Id of this command; becomes the causation id of the events it produces (a new UUID when absent). */
  commandId?: string;
  /** Correlation id to keep; else the current one (the HTTP request's), else a new one. */
  correlationId?: string;
}

type Execute = (command: unknown) => Promise<unknown>;

/**
 * Wraps every `@CommandHandler`'s `execute` at startup, so that handlers written the
 * usual `@nestjs/cqrs` way (1) run with the command's correlation and causation ids,
 * which the aggregate repository writes into every event, and (2) run again, a bounded
 * number of times, when they fail with a `ConcurrencyError` or an `AppendConditionError`, or when what they decided
 * rested on a warm aggregate (see `warmAggregates`) that proves stale. @internal
 */
@Injectable()
export class CommandHandlerEnhancer implements OnModuleInit {
  private readonly logger = new Logger('CommandRetry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly context: MessageContext,
    private readonly tries: CommandTries,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedOptions,
  ) {}

  private warmAggregates = false;

  onModuleInit(): void {
    const defaults = this.options.commandRetry;
    this.warmAggregates = this.options.warmAggregates > 0;
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype;
      const instance = wrapper.instance as unknown;
      if (!metatype || !instance || !Reflect.getMetadata(CQRS_COMMAND_HANDLER_METADATA, metatype)) continue;
      const handler = instance as { execute?: Execute };
      if (typeof handler.execute !== 'function') continue;
      const attempts = getCommandRetryOptions(metatype)?.attempts ?? defaults.attempts;
      if (!Number.isInteger(attempts) || attempts < 1) {
        throw new ConfigurationError(`@CommandRetry on ${metatype.name}: attempts must be a positive integer.`);
      }
      const execute = traceTries(handler.execute.bind(handler), metatype.name, this.context);
      handler.execute = this.enhance(execute, attempts, defaults.backoffMs, metatype.name);
    }
  }

  private enhance(execute: Execute, attempts: number, backoffMs: number, name: string): Execute {
    // Warm aggregates need a second try to fall back on when one proves stale.
    const warm = this.warmAggregates && attempts > 1;
    return async (command) => {
      // A command dispatched by another one's handler writes: whatever that handler took
      // warm must be current first (see WarmScope).
      const stale = await this.tries.warmScope()?.closeForWrite();
      if (stale) throw new ConcurrencyError(stale.streamId, stale.version, stale.actual);
      const ids = (command ?? {}) as CommandIds;
      return this.context.runMessage(ids.commandId, ids.correlationId, async () => {
        for (let attempt = 1; ; attempt++) {
          const savesBefore = this.tries.saveCount();
          // Never on the last try: a copy found stale then could not be made good.
          const scope = this.tries.startTry(warm && attempt < attempts);
          // Not again when it cannot help, or when this try already stored something.
          const mayRetry = (): boolean => attempt < attempts && this.tries.saveCount() === savesBefore;
          let outcome: { result: unknown } | { error: unknown };
          try {
            outcome = { result: await execute(command) };
          } catch (error) {
            // A transaction rolled back whole as a deadlock victim wrote nothing: run it again too.
            // So does a decision whose events changed after it read them (AppendConditionError).
            const conflict =
              (error instanceof ConcurrencyError && error.retryable) ||
              error instanceof TransactionConflictError ||
              error instanceof AppendConditionError;
            if (conflict && mayRetry()) {
              this.logger.debug(`${name}: ${error.message} Try ${attempt + 1} of ${attempts}.`);
              commandRetried(command, name);
              // Full jitter over an exponentially growing window spreads the contenders out.
              const window = Math.min(backoffMs * 2 ** (attempt - 1), 1000);
              await new Promise((resolve) => setTimeout(resolve, Math.random() * window));
              continue;
            }
            outcome = { error };
          }
          // An outcome drawn from a warm copy that no write confirmed holds only if its
          // stream has not moved on; else the handler runs again on the stored stream.
          // Such copies exist only in a try that wrote nothing, so it may run again.
          if (scope && (await this.stillCurrent(scope, name)) === false && mayRetry()) continue;
          // What else must hold for the outcome to stand (the permissions the command required).
          await this.tries.settle('error' in outcome ? outcome : undefined);
          if ('error' in outcome) throw outcome.error;
          scope?.succeeded();
          return outcome.result;
        }
      });
    };
  }

  /** Whether the try's unconfirmed warm copies were current; false too when that cannot be told. */
  private async stillCurrent(scope: WarmScope, name: string): Promise<boolean> {
    try {
      const stale = await scope.firstStale();
      if (stale) this.logger.debug(`${name}: ${stale.streamId} was kept at ${stale.version}, is at ${stale.actual}.`);
      return !stale;
    } catch (error) {
      this.logger.debug(`${name}: could not confirm warm aggregates (${errorMessage(error)}); running it again.`);
      return false;
    }
  }
}
