import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  HttpCode,
  Module,
  NotFoundException,
  Param,
  Post,
  ValidationPipe,
  type DynamicModule,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { IsInt, IsPositive, Max } from 'class-validator';
import type { Repository } from 'typeorm';
import { CrudAccount } from './crud-account.entity';

// The baseline of the HTTP benchmark: the bank's deposit route written the plain way, a
// Nest controller updating one TypeORM row per account. It validates and parses as the
// bank does (class-validator DTO, whitelist, 64 kB JSON bodies, Express) and has the
// same pool size, so that what differs is the event sourcing.

/** The body of a deposit, validated as the bank's `AmountDto`. */
class CrudAmountDto {
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}

@Controller('accounts')
class CrudAccountsController {
  constructor(@InjectRepository(CrudAccount) private readonly accounts: Repository<CrudAccount>) {}

  @Post()
  async open(): Promise<{ id: string }> {
    const id = randomUUID();
    await this.accounts.insert({ id, balance: 0 });
    return { id };
  }

  /** One statement: `UPDATE … SET balance = balance + $1 WHERE id = $2 RETURNING balance`. */
  @Post(':id/deposits')
  @HttpCode(200)
  async deposit(@Param('id') id: string, @Body() { amount }: CrudAmountDto): Promise<{ id: string; balance: number }> {
    const result = await this.accounts
      .createQueryBuilder()
      .update(CrudAccount)
      .set({ balance: () => 'balance + :amount' })
      .setParameter('amount', amount)
      .where({ id })
      .returning(['balance'])
      .execute();
    const [row] = result.raw as { balance: string }[];
    if (!row) throw new NotFoundException(`No account ${id}.`);
    return { id, balance: Number(row.balance) };
  }
}

/** The baseline's module, on the database of `url`; its table is created at boot (`synchronize`). */
@Module({})
export class CrudBaselineModule {
  static forDatabase(url: string, applicationName: string): DynamicModule {
    return {
      module: CrudBaselineModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          applicationName,
          // The bank's pool size (the module's default).
          poolSize: 10,
          entities: [CrudAccount],
          synchronize: true,
          logging: ['error'],
        }),
        TypeOrmModule.forFeature([CrudAccount]),
      ],
      controllers: [CrudAccountsController],
    };
  }
}

/** What the bank's `applyHttpConventions` sets that bears on a deposit, without the library. */
export function setUpCrudBaselineApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.set('etag', false);
  app.useBodyParser('json', { limit: 64 * 1024 });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
}
