const COMMAND_RETRY = Symbol('event-sourcing:command-retry');

/** Options of {@link CommandRetry}. */
export interface CommandRetryOptions {
  /** Tries in all, the first included; 1 turns retrying off for this handler. */
  attempts: number;
}

/**
 * Sets how often a command handler is run again after a `ConcurrencyError` (the stream
 * moved between its load and its save). The default comes from the module's
 * `commandRetry` option. Turn it off (`{ attempts: 1 }`) for handlers with side effects
 * outside the store, or whose expected version comes from the client.
 * @example
 * @CommandHandler(TransferMoney)
 * @CommandRetry({ attempts: 1 })
 * export class TransferMoneyHandler implements ICommandHandler<TransferMoney> { ... }
 */
export function CommandRetry(options: CommandRetryOptions): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(COMMAND_RETRY, options, target);
  };
}

/** The `@CommandRetry` options of a handler class, if any. */
export function getCommandRetryOptions(target: object): CommandRetryOptions | undefined {
  return Reflect.getMetadata(COMMAND_RETRY, target) as CommandRetryOptions | undefined;
}
