import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The read model of {@link BenchBalancesProjection}: one row per account stream. */
@Entity('bench_balances')
export class BenchBalance {
  /** The account's stream id. */
  @PrimaryColumn('text')
  account!: string;

  @Column('text')
  owner!: string;

  @Column('bigint', { transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  balance!: number;

  /** The stream version of the last event applied: what the latency part waits to see. */
  @Column('integer')
  version!: number;
}
