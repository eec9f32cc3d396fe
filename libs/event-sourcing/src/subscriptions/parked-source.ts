import type { ParkedEvent } from './checkpoint-store';

/**
 * Parked records kept apart from the checkpoints (the inbound integration messages of
 * `nest-event-sourcing/brokers`), listed, retried and dismissed through `Subscriptions`
 * like parked events, under the name of the consumer that parked them. @internal
 */
export interface ParkedSource {
  /** The consumer names it answers for. */
  names(): readonly string[];
  parked(name?: string): Promise<ParkedEvent[]>;
  /** Handles the record again now; throws the handler's error, the record staying parked. */
  retry(name: string, id: string): Promise<'handled'>;
  dismiss(name: string, id: string): Promise<void>;
}
