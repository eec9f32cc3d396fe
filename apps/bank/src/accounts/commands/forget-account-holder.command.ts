import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  AggregateNotFoundError,
  AggregateRepository,
  ForgetSubject,
  InjectAggregateRepository,
  type ForgetResult,
} from 'nest-event-sourcing';
import { BankAccount } from '../bank-account.aggregate';

/** Forgets the personal data of an account (its owner); the account id is the data subject. */
export class ForgetAccountHolder extends Command<ForgetResult> {
  constructor(readonly accountId: string) {
    super();
  }
}

@CommandHandler(ForgetAccountHolder)
export class ForgetAccountHolderHandler implements ICommandHandler<ForgetAccountHolder> {
  constructor(
    private readonly commands: CommandBus,
    @InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>,
  ) {}

  /** @throws AggregateNotFoundError for an account that was never opened. */
  async execute({ accountId }: ForgetAccountHolder): Promise<ForgetResult> {
    if (!(await this.accounts.exists(accountId))) throw new AggregateNotFoundError('account', accountId);
    return this.commands.execute(new ForgetSubject(accountId));
  }
}
