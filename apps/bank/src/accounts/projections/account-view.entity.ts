import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Integers stored as bigint come back from `pg` as strings; amounts here fit a number. */
export const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => Number(value) };

/** One account as the HTTP API shows it; kept by {@link AccountsProjection}. */
@Entity('bank_account_views')
export class AccountView {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  owner!: string;

  /** Unique among accounts, case-insensitively (the aggregate's `email` natural key); null when none was given. */
  @Column('text', { nullable: true })
  email!: string | null;

  @Column('bigint', { transformer: bigintAsNumber })
  balance!: number;

  @Column('text')
  status!: 'open' | 'closed';

  /** The account stream's version after the last event applied: the HTTP ETag. */
  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'opened_at' })
  openedAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
