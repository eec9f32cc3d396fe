import type { EventBus } from '@nestjs/cqrs';
import type { CommandTries } from '../commands/command-tries';
import type { EventTypeRegistry, UnknownEventPolicy } from '../events/event-type-registry';
import type { MessageContext } from '../events/message-context';
import type { EventStore } from '../store/event-store';
import type { SnapshotStore } from '../store/snapshot-store';

/** Dependencies of a repository, shared by all of an application's repositories. @internal */
export interface AggregateRepositoryDeps {
  store: EventStore;
  snapshots: SnapshotStore;
  registry: EventTypeRegistry;
  context: MessageContext;
  /** Saves and warm scopes of the command being handled. */
  tries: CommandTries;
  eventBus: EventBus | undefined;
  unknownEvents: UnknownEventPolicy;
  /** Aggregates kept in memory between commands, at most this many; 0 keeps none. */
  warmAggregates: number;
}
