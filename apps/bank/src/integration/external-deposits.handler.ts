import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IntegrationEventHandler, type IntegrationMessage } from 'nest-event-sourcing/brokers';
import { DepositMoney } from '../accounts/commands/deposit-money.command';
import { ExternalDeposit } from './external-deposit.message';

/** The name of the consumer (the JetStream durable consumer, and its inbox rows). */
export const EXTERNAL_DEPOSITS = 'bank-deposits';

/**
 * External deposits from JetStream (stream `BANK_INBOUND`, subject
 * `bank-inbound.deposits`). The inbox drops a message delivered twice; the account drops
 * a second deposit of one reference (the deposit event carries it), so a redelivery
 * after a crash between the deposit's commit and the inbox's deposits nothing either.
 * Unknown accounts, closed ones and bad amounts fail every try and are parked (see
 * `GET /admin/subscriptions/parked`), not redelivered forever.
 */
@Injectable()
export class ExternalDepositsHandler {
  constructor(private readonly commands: CommandBus) {}

  @IntegrationEventHandler('bank-inbound.deposits', {
    name: EXTERNAL_DEPOSITS,
    stream: 'BANK_INBOUND',
    body: ExternalDeposit,
    maxAttempts: 3,
    retryBackoffMs: 100,
  })
  async deposit({ data }: IntegrationMessage<ExternalDeposit>): Promise<void> {
    await this.commands.execute(new DepositMoney(data.accountId, data.amount, undefined, data.reference));
  }
}
