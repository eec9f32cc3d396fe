import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import {
  AdminOnly,
  AggregateNotFoundError,
  AggregateRepository,
  ForgetSubject,
  InjectAggregateRepository,
} from 'nest-event-sourcing';
import { ApiProblem } from '../http/problem-response';
import { BankAccount } from './bank-account.aggregate';

/**
 * Forgetting an account holder (GDPR erasure), for operators: the account stays, with its
 * balance and statement, but its owner is gone for good, in the events (their key is
 * destroyed), the snapshots, the stored responses and the read model.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@ApiProblem(401, 'No or a wrong operator token (`UNAUTHORIZED`).')
@Controller('accounts')
@AdminOnly()
export class AccountPersonalDataController {
  constructor(
    private readonly commands: CommandBus,
    @InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>,
  ) {}

  /** Forgets the owner of the account; a repeat answers 204 again. */
  @Delete(':id/personal-data')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The personal data of the account is forgotten (or was already).' })
  @ApiProblem(404, 'No such account (`ES_AGGREGATE_NOT_FOUND`).')
  async forget(@Param('id') id: string): Promise<void> {
    if (!(await this.accounts.exists(id))) throw new AggregateNotFoundError('account', id);
    await this.commands.execute(new ForgetSubject(id));
  }
}
