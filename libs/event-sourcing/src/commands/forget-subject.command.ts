import { Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, type ForgetResult } from '../store/event-store';

/**
 * Forgets a data subject (crypto-shredding), through the `CommandBus`: the library
 * handles it, so an application needs no handler of its own. Answers what
 * `EventStore.forget` did; see there and docs/personal-data.md.
 * @example
 * await commandBus.execute(new ForgetSubject(accountId));
 */
export class ForgetSubject extends Command<ForgetResult> {
  constructor(
    /** The data subject, as `@PersonalData({ subject })` gives it. */
    readonly subject: string,
  ) {
    super();
  }
}

/** Runs {@link ForgetSubject} on the store. @internal */
@Injectable()
@CommandHandler(ForgetSubject)
export class ForgetSubjectHandler implements ICommandHandler<ForgetSubject> {
  constructor(private readonly store: EventStore) {}

  execute({ subject }: ForgetSubject): Promise<ForgetResult> {
    return this.store.forget(subject);
  }
}
