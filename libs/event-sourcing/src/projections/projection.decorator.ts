import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import {
  assertSubscriberName,
  resolveSubscriberOptions,
  type ResolvedSubscriberOptions,
  type SubscriberOptions,
} from '../subscriptions/subscriber-options';

const PROJECTION = Symbol('event-sourcing:projection');

/**
 * When a projection runs:
 * - `'async'` (default): a checkpointed subscriber applies committed events in batches,
 *   each batch in one transaction with its checkpoint; the read model trails the store
 *   by milliseconds;
 * - `'inline'`: inside the append's own transaction, so the read model is never behind.
 *   A handler that throws rolls the append back: the command fails and nothing is
 *   stored. Keep inline handlers small, and on the same database.
 */
export type ProjectionMode = 'async' | 'inline';

/** Options of {@link Projection}. */
export interface ProjectionOptions extends SubscriberOptions {
  /** See {@link ProjectionMode}. Default `'async'`. */
  mode?: ProjectionMode;
  /** Entities whose rows a rebuild deletes before it replays (see `Subscriptions.rebuild`). */
  readModels?: EntityTarget<ObjectLiteral>[];
}

/** What `@Projection` records on a class. */
export interface ProjectionMetadata {
  name: string;
  mode: ProjectionMode;
  readModels: EntityTarget<ObjectLiteral>[];
  options: ResolvedSubscriberOptions;
}

/**
 * A projection may implement this to clear what `readModels` does not cover before a
 * rebuild; it runs in the rebuild's transaction. Under `database: 'memory'` its manager
 * throws on any use (there is no database): clear the state the provider keeps.
 */
export interface ProjectionReset {
  reset(manager: EntityManager): Promise<void>;
}

/**
 * A projection implements this to be rebuilt for one tenant
 * (`Subscriptions.rebuildTenant`): delete that tenant's rows (and only those) through
 * `manager`, in the rebuild's transaction; the library then replays the tenant's events.
 * Under `database: 'memory'` its manager throws on any use: clear the tenant's state the
 * provider keeps.
 * @example
 * async resetTenant(tenantId: string, manager: EntityManager) {
 *   await manager.delete(AccountView, { tenantId });
 * }
 */
export interface ProjectionTenantReset {
  resetTenant(tenantId: string, manager: EntityManager): Promise<void>;
}

/**
 * Declares a projection: a provider whose `@On` methods (or one `@OnPage` method, which
 * takes a whole page of events at once) keep read models (your own TypeORM entities) up
 * to date. Each handler gets the event's envelope and a
 * `ProjectionContext` whose `manager` belongs to the projection's transaction: write
 * through it, and the writes commit with the checkpoint (exactly once), or with the
 * append itself in `inline` mode. Under `database: 'memory'` projections run too, on
 * the in-memory store, but with no usable manager (any use throws an
 * `UnsupportedOperationError`): only those that keep their state in a provider work
 * there; TypeORM read models need PostgreSQL.
 * @throws ConfigurationError for a bad name or options, naming the class.
 * @example
 * @Projection('account-balances', { readModels: [AccountView] })
 * export class AccountBalancesProjection {
 *   @On(AccountOpened)
 *   async opened({ data }: EventEnvelope<AccountOpened>, { manager }: ProjectionContext) {
 *     await manager.insert(AccountView, { id: data.accountId, owner: data.owner, balance: 0 });
 *   }
 * }
 */
export function Projection(name: string, options: ProjectionOptions = {}): ClassDecorator {
  return (target) => {
    const owner = `@Projection on ${target.name}`;
    assertSubscriberName(owner, name);
    const mode = options.mode ?? 'async';
    if (mode !== 'async' && mode !== 'inline') {
      throw new ConfigurationError(`${owner}: mode must be 'async' or 'inline', got ${String(mode)}.`);
    }
    if (options.readModels !== undefined && !Array.isArray(options.readModels)) {
      throw new ConfigurationError(`${owner}: readModels must be an array of entities.`);
    }
    const metadata: ProjectionMetadata = {
      name,
      mode,
      readModels: options.readModels ?? [],
      options: resolveSubscriberOptions(owner, options, 'stop'),
    };
    Reflect.defineMetadata(PROJECTION, metadata, target);
  };
}

/** The `@Projection` metadata of a class, if it has one. */
export function getProjectionMetadata(target: unknown): ProjectionMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getMetadata(PROJECTION, target) as ProjectionMetadata | undefined;
}
