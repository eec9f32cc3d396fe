import { randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IfMatch, LocationHeader, VersionETagInterceptor } from 'nest-event-sourcing';
import { CloseAccount } from './commands/close-account.command';
import { DepositMoney } from './commands/deposit-money.command';
import { OpenAccount } from './commands/open-account.command';
import { WithdrawMoney } from './commands/withdraw-money.command';
import { AccountOpenedResponse, AccountStateResponse } from './dto/account-responses';
import { AmountDto } from './dto/amount.dto';
import { OpenAccountDto } from './dto/open-account.dto';
import { ApiBadBody, ApiProblem } from '../http/problem-response';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description:
    'The ETag of the account (`"{version}"`): the command runs only if the account is still at it, else 412.',
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
    ApiProblem(412, 'If-Match names another version (`PRECONDITION_FAILED`, with the current `ETag`).'),
    ApiProblem(422, `${unprocessable} (\`ES_DOMAIN_RULE\`, with its \`rule\`).`),
  );
}

/** Commands on bank accounts. Every answer carries the account's version as `ETag`. */
@ApiTags('accounts')
@ApiHeader(IDEMPOTENCY_KEY)
@ApiProblem(404, 'No such account (`ES_AGGREGATE_NOT_FOUND`).')
@ApiProblem(409, 'A concurrent change the retries could not resolve (`ES_CONCURRENCY`); retry.')
@Controller('accounts')
@UseInterceptors(VersionETagInterceptor)
export class AccountsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @LocationHeader('/accounts/:id')
  @ApiCreatedResponse({
    type: AccountOpenedResponse,
    description: 'Headers `Location: /accounts/{id}` and `ETag: "{version}"`.',
  })
  @ApiBadBody()
  @ApiProblem(422, 'An initial deposit past the balance limit (`ES_DOMAIN_RULE`, rule `balance-limit`).')
  @ApiProblem(409, 'Another account has this email, in any case (`ES_NATURAL_KEY_TAKEN`).')
  async open(@Body() { owner, initialDeposit, email }: OpenAccountDto): Promise<AccountOpenedResponse> {
    const command = new OpenAccount(randomUUID(), owner, initialDeposit, email);
    const { id, version, position } = await this.commands.execute(command);
    return { id, version, position };
  }

  @Post(':id/deposits')
  @AccountCommand('The account is closed, or the deposit would pass the balance limit (`balance-limit`)')
  @ApiBadBody()
  deposit(
    @Param('id') id: string,
    @Body() { amount }: AmountDto,
    @IfMatch() expectedVersion?: number,
  ): Promise<AccountStateResponse> {
    return this.commands.execute(new DepositMoney(id, amount, expectedVersion));
  }

  @Post(':id/withdrawals')
  @AccountCommand('Insufficient funds (`insufficient-funds`), or the account is closed')
  @ApiBadBody()
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
