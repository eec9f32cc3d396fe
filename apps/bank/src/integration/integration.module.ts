import { Module } from '@nestjs/common';
import { ExternalDepositsHandler } from './external-deposits.handler';

/** What the bank takes from other services: external deposits. */
@Module({ providers: [ExternalDepositsHandler] })
export class IntegrationModule {}
