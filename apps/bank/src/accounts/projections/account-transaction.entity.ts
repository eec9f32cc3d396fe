import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './account-view.entity';

/** One line of an account statement; kept by {@link AccountsProjection}. */
@Entity('bank_account_transactions')
export class AccountTransaction {
  /** The id of the event that made it: applying an event twice would fail on this key. */
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'account_id' })
  accountId!: string;

  @Column('integer')
  version!: number;

  @Column('text')
  kind!: 'deposit' | 'withdrawal';

  @Column('bigint', { transformer: bigintAsNumber })
  amount!: number;

  @Column('bigint', { name: 'balance_after', transformer: bigintAsNumber })
  balanceAfter!: number;

  @Column('timestamptz')
  at!: Date;
}
