import { randomUUID } from 'node:crypto';
import { DEPOSITED_TYPE } from './bench-account';

/** The event every store workload writes, on every side: same shape, a fresh id each time. */
export interface BenchEvent {
  eventId: string;
  type: string;
  data: { amount: number; note: string };
  metadata: { correlationId: string };
}

/** Type name of the benchmark's deposits, and the amount each carries. */
export const BENCH_EVENT_TYPE = DEPOSITED_TYPE;
export const BENCH_AMOUNT = 42;

const NOTE = 'x'.repeat(100);

/** `count` new events for one append, with random ids and one correlation id between them. */
export function benchEvents(count: number): BenchEvent[] {
  const correlationId = randomUUID();
  return Array.from({ length: count }, () => ({
    eventId: randomUUID(),
    type: BENCH_EVENT_TYPE,
    data: { amount: BENCH_AMOUNT, note: NOTE },
    metadata: { correlationId },
  }));
}
