import type { ParkedEvent } from './checkpoint-store';
import type { SubscriberDefinition } from './subscriber-definition';

/**
 * The checkpoint key of one partition: `<name>#<index>/<count>`. Neither `#` nor `/` may
 * be in a subscriber name, so no other subscriber has it; the count is in it, so that
 * another count never reads checkpoints made for a different split of the streams. @internal
 */
export function partitionKey(name: string, index: number, count: number): string {
  return `${name}#${index}/${count}`;
}

/** Whether a definition is split into partitions. @internal */
export function isPartitioned(definition: SubscriberDefinition): boolean {
  return definition.options.partitions > 1;
}

/** The checkpoint keys of a subscriber: its name, or one key per partition. @internal */
export function checkpointKeys(definition: SubscriberDefinition): string[] {
  return partitionViews(definition).map((view) => view.name);
}

/**
 * What the runners run of a subscriber: itself, or one view per partition, each named by
 * its partition's key and reading only its partition. A view handles events as the
 * subscriber does (it inherits from it). @internal
 */
export function partitionViews(definition: SubscriberDefinition): SubscriberDefinition[] {
  const count = definition.options.partitions;
  if (count <= 1) return [definition];
  return Array.from({ length: count }, (_, index) => {
    const view = Object.create(definition) as SubscriberDefinition;
    Object.defineProperty(view, 'name', { value: partitionKey(definition.name, index, count), enumerable: true });
    Object.defineProperty(view, 'partition', {
      value: { index, count, subscriber: definition.name },
      enumerable: true,
    });
    return view;
  });
}

/** Every definition, partitioned ones as their partitions. @internal */
export function expandPartitions(definitions: readonly SubscriberDefinition[]): SubscriberDefinition[] {
  return definitions.flatMap(partitionViews);
}

/**
 * A parked record as the API shows it: of the subscriber (not of its partition's key),
 * with the partition. @internal
 */
export function presentParked(parked: ParkedEvent): ParkedEvent {
  const match = /^(.+)#(\d+)\/\d+$/.exec(parked.subscriber);
  return match ? { ...parked, subscriber: match[1]!, partition: Number(match[2]) } : parked;
}
