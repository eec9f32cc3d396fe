import { AggregateRepository, InjectAggregateRepository, Subscriptions } from 'nest-event-sourcing';
import { Controller, Get, Header, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { AccountTransaction } from '../projections/account-transaction.entity';
import { AccountView } from '../projections/account-view.entity';
import { ACCOUNTS_PROJECTION } from '../projections/accounts.projection';
import { BankAccount } from '../bank-account.aggregate';
import { AccountPageResponse, AccountResponse, TransactionPageResponse } from '../dto/account-responses';
import { ApiProblem } from '../../http/problem-response';
import { ListAccountsQuery, ListTransactionsQuery, ReadQuery } from './account-queries.dto';

/** A page of a list, and what to ask for the next one (null at the end). */
export interface Page<T, C> {
  items: T[];
  next: C | null;
}

/** Reads of the accounts read model, kept by `AccountsProjection`. */
@ApiTags('accounts')
@ApiProblem(
  400,
  'A query parameter out of its range, or a text PostgreSQL cannot store (`VALIDATION_FAILED`, `INVALID_TEXT`).',
)
@ApiProblem(503, 'The read model did not reach `minPosition` within 5 s (`ES_WAIT_TIMEOUT`, `Retry-After: 1`).')
@Controller('accounts')
export class AccountQueriesController {
  constructor(
    @InjectRepository(AccountView) private readonly accounts: Repository<AccountView>,
    @InjectRepository(AccountTransaction) private readonly transactions: Repository<AccountTransaction>,
    private readonly subscriptions: Subscriptions,
    @InjectAggregateRepository(BankAccount) private readonly store: AggregateRepository<BankAccount>,
  ) {}

  /** Accounts by id, `limit` (default 20) at a time; with `email`, the one account that has it. */
  @Get()
  @ApiOkResponse({ type: AccountPageResponse })
  @ApiProblem(404, 'With `email`: no account has it (`NOT_FOUND`).')
  async list(@Query() query: ListAccountsQuery): Promise<Page<AccountDto, string>> {
    if (query.email !== undefined) return { items: [await this.byEmail(query.email)], next: null };
    await this.readYourWrites(query);
    const limit = query.limit ?? 20;
    const rows = await this.accounts.find({
      where: query.after ? { id: MoreThan(query.after) } : {},
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map(toDto);
    return { items, next: rows.length > limit ? items.at(-1)!.id : null };
  }

  /** One account; its version is the ETag to send back as If-Match. */
  @Get(':id')
  @ApiOkResponse({ type: AccountResponse, description: 'Header `ETag: "{version}"`, to send back as If-Match.' })
  @ApiProblem(404, 'No such account in the read model (`NOT_FOUND`).')
  @Header('Cache-Control', 'no-cache')
  async get(
    @Param('id') id: string,
    @Query() query: ReadQuery,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<AccountDto> {
    await this.readYourWrites(query);
    const account = await this.require(id);
    response.setHeader('ETag', `"${account.version}"`);
    return toDto(account);
  }

  /** The account's statement, newest first, `limit` (default 20) lines at a time. */
  @Get(':id/transactions')
  @ApiOkResponse({ type: TransactionPageResponse })
  @ApiProblem(404, 'No such account in the read model (`NOT_FOUND`).')
  async statement(
    @Param('id') id: string,
    @Query() query: ListTransactionsQuery,
  ): Promise<Page<TransactionDto, number>> {
    await this.readYourWrites(query);
    await this.require(id);
    const limit = query.limit ?? 20;
    const rows = await this.transactions.find({
      where: { accountId: id, ...(query.before ? { version: LessThan(query.before) } : {}) },
      order: { version: 'DESC' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map(({ eventId, version, kind, amount, balanceAfter, at }) => ({
      eventId,
      version,
      kind,
      amount,
      balanceAfter,
      at,
    }));
    return { items, next: rows.length > limit ? items.at(-1)!.version : null };
  }

  /**
   * The account with `email`: one indexed lookup in the store's natural-key table, then its
   * events, so that an account opened a moment ago is found before the read model has it.
   */
  private async byEmail(email: string): Promise<AccountDto> {
    const account = await this.store.findBy('email', email);
    if (!account) throw new NotFoundException('No account has this email.');
    const { id, owner, balance, status, version } = account;
    return { id, owner, email: account.email, balance, status: status === 'closed' ? 'closed' : 'open', version };
  }

  private async require(id: string): Promise<AccountView> {
    const account = await this.accounts.findOneBy({ id });
    if (!account) throw new NotFoundException(`No account has the id "${id}".`);
    return account;
  }

  /** Waits until the projection has applied the caller's own write (ES_WAIT_TIMEOUT after 5 s). */
  private async readYourWrites({ minPosition }: ReadQuery): Promise<void> {
    if (minPosition) await this.subscriptions.waitFor(ACCOUNTS_PROJECTION, minPosition, { timeoutMs: 5_000 });
  }
}

/** An account as the API shows it. */
export interface AccountDto {
  id: string;
  owner: string;
  email: string | null;
  balance: number;
  status: 'open' | 'closed';
  version: number;
}

/** A statement line. */
export interface TransactionDto {
  eventId: string;
  version: number;
  kind: 'deposit' | 'withdrawal';
  amount: number;
  balanceAfter: number;
  at: Date;
}

function toDto({ id, owner, email, balance, status, version }: AccountView): AccountDto {
  return { id, owner, email, balance, status, version };
}
