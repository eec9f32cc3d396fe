import { On, Projection, type EventEnvelope, type ProjectionContext } from 'nest-event-sourcing';
import { Injectable } from '@nestjs/common';
import { BenchAccountOpened, Deposited } from './bench-account';
import { BenchBalance } from './bench-balance.entity';

/** The subscriber name of {@link BenchBalancesProjection}: its checkpoint. */
export const BALANCES_PROJECTION = 'bench-balances';

/**
 * The projection the catch-up and latency parts measure, written as the bank app's is:
 * an async projection whose handlers write a TypeORM entity through the batch's manager,
 * an insert per opening and a query-builder UPDATE per deposit.
 */
@Projection(BALANCES_PROJECTION, { readModels: [BenchBalance] })
@Injectable()
export class BenchBalancesProjection {
  @On(BenchAccountOpened)
  async opened({ streamId, version, data }: EventEnvelope<BenchAccountOpened>, { manager }: ProjectionContext) {
    await manager.insert(BenchBalance, { account: streamId, owner: data.owner, balance: 0, version });
  }

  @On(Deposited)
  async deposited({ streamId, version, data }: EventEnvelope<Deposited>, { manager }: ProjectionContext) {
    await manager
      .createQueryBuilder()
      .update(BenchBalance)
      .set({ balance: () => 'balance + :amount', version })
      .setParameter('amount', data.amount)
      .where({ account: streamId })
      .execute();
  }
}
