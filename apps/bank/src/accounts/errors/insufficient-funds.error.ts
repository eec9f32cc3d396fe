import { DomainError } from 'nest-event-sourcing';

export class InsufficientFundsError extends DomainError {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly amount: number,
  ) {
    super('insufficient-funds', `Account ${accountId} holds ${balance}, less than the ${amount} asked for.`);
  }
}
