import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('counter_views')
export class CounterView {
  @PrimaryColumn('text')
  id!: string;

  @Column('integer')
  value!: number;
}
