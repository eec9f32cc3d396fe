import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One account of the CRUD baseline: the balance, updated in place. */
@Entity('crud_accounts')
export class CrudAccount {
  @PrimaryColumn('text')
  id!: string;

  @Column('bigint', { transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  balance!: number;
}
