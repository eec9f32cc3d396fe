import { randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IfMatch, LocationHeader, VersionETagInterceptor } from 'nest-event-sourcing';
import { CloseAccount } from './commands/close-account.command';
import { DepositMoney } from './commands/deposit-money.command';
import { OpenAccount } from './commands/open-account.command';
import { WithdrawMoney } from './commands/withdraw-money.command';
import { AccountOpenedResponse, AccountStateResponse } from './dto/account-responses';
import { AmountDto } from './dto/amount.dto';
import { OpenAccountDto } from './dto/open-account.dto';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the account ("<version>"): the command runs only if the account is still at it, else 412.',
};
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Makes the request safe to repeat: a repeat with the same body gets the first response.',
};

/** A command on an existing account: 200 with its state, If-Match honoured. */
function AccountCommand(unprocessable: string): MethodDecorator {
  return applyDecorators(
    HttpCode(200),
    ApiHeader(IF_MATCH),
    ApiOkResponse({ type: AccountStateResponse }),
    ApiPreconditionFailedResponse({ description: 'If-Match names another version (problem PRECONDITION_FAILED).' }),
    ApiUnprocessableEntityResponse({ description: `${unprocessable} (problem ES_DOMAIN_RULE, with its rule).` }),
  );
}

/** Commands on bank accounts. Every answer carries the account's version as `ETag`. */
@ApiTags('accounts')
@ApiHeader(IDEMPOTENCY_KEY)
@ApiNotFoundResponse({ description: 'No such account (problem ES_AGGREGATE_NOT_FOUND).' })
@ApiConflictResponse({ description: 'A concurrent change the retries could not resolve (problem ES_CONCURRENCY).' })
@Controller('accounts')
@UseInterceptors(VersionETagInterceptor)
export class AccountsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @LocationHeader('/accounts/:id')
  @ApiCreatedResponse({ type: AccountOpenedResponse, description: 'Location: /accounts/<id>; ETag: "<version>".' })
  async open(@Body() { owner, initialDeposit }: OpenAccountDto): Promise<AccountOpenedResponse> {
    const { id, version, position } = await this.commands.execute(new OpenAccount(randomUUID(), owner, initialDeposit));
    return { id, version, position };
  }

  @Post(':id/deposits')
  @AccountCommand('The account is closed')
  deposit(
    @Param('id') id: string,
    @Body() { amount }: AmountDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<AccountStateResponse> {
    return this.commands.execute(new DepositMoney(id, amount, expectedVersion));
  }

  @Post(':id/withdrawals')
  @AccountCommand('Insufficient funds, or the account is closed')
  withdraw(
    @Param('id') id: string,
    @Body() { amount }: AmountDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<AccountStateResponse> {
    return this.commands.execute(new WithdrawMoney(id, amount, expectedVersion));
  }

  @Post(':id/close')
  @AccountCommand('The balance is not zero, or the account is closed')
  close(@Param('id') id: string, @IfMatch() expectedVersion?: number): Promise<AccountStateResponse> {
    return this.commands.execute(new CloseAccount(id, expectedVersion));
  }
}
