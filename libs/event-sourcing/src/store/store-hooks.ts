import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope';
import type { AppendRequirementsHook } from './append-requirements';

/**
 * Work run inside an append's transaction, after its events are inserted: inline
 * projections. The in-memory store has no entity manager to give. @internal
 */
export interface InlineAppendHook {
  /** Whether any of these event types needs it (else the append stays one statement). */
  wants(types: readonly string[]): boolean;
  apply(events: EventEnvelope[], manager: EntityManager | undefined): Promise<void>;
}

/** What the module plugs into the store (PostgreSQL or in-memory). @internal */
export interface StoreHooks {
  /** Called after a transaction that wrote events commits, with the types it wrote. */
  committed?: (types: ReadonlySet<string>) => void;
  inline?: InlineAppendHook;
  /** Permissions the current work's appends need, checked with each append (the access module's). */
  requirements?: AppendRequirementsHook;
}
