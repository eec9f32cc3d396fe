import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from 'nest-event-sourcing';
import { ApiProblem } from '../http/problem-response';
import { ForgetAccountHolder } from './commands/forget-account-holder.command';

/**
 * Forgetting an account holder (GDPR erasure), for operators (in a module of its own, for
 * the admin token of `EventSourcingHttpModule`): the account stays, with its
 * balance and statement, but its owner is gone for good, in the events (their key is
 * destroyed), the snapshots, the stored responses and the read model.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@ApiProblem(401, 'No or a wrong operator token (`UNAUTHORIZED`).')
@Controller('accounts')
@AdminOnly()
export class AccountPersonalDataController {
  constructor(private readonly commands: CommandBus) {}

  /** Forgets the owner of the account; a repeat answers 204 again. */
  @Delete(':id/personal-data')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The personal data of the account is forgotten (or was already).' })
  @ApiProblem(404, 'No such account (`ES_AGGREGATE_NOT_FOUND`).')
  async forget(@Param('id') id: string): Promise<void> {
    await this.commands.execute(new ForgetAccountHolder(id));
  }
}
