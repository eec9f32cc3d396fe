import { PermissionDeniedError } from '../errors/permission-denied-error';

/**
 * A permission an append needs: a row of `es_permissions` (the read model of the
 * store's permissions migration) of this tenant and actor, on this aggregate or on all
 * of its type (`'*'`), with one of `permissions`. The PostgreSQL store checks it in the
 * append's own statement, with the row locked FOR SHARE; the in-memory store asks
 * {@link AppendRequirementsHook.holds} at the append (see {@link checkRequired}). @internal
 */
export interface AppendPermission {
  tenantId: string;
  actorId: string;
  /** The action asked for, named in the error when it is denied. */
  action: string;
  aggregateType: string;
  aggregateId: string;
  /** Any of these will do (the action, `'*'`, the roles that include it). */
  permissions: readonly string[];
}

/**
 * How a higher layer (the access module) adds permission checks to appends: what the
 * work in progress requires (read when an append is prepared, in its caller's async
 * context), whether one holds (the in-memory store's check), and what an append that
 * checked them found held. @internal
 */
export interface AppendRequirementsHook {
  /** The permissions the current work's appends need (none: the append is as without the hook). */
  current(): readonly AppendPermission[];
  /** Whether a requirement holds now, for the in-memory store. */
  holds(required: AppendPermission): boolean;
  /** Called in the caller's context once an append that checked `required` went through. */
  passed(required: readonly AppendPermission[]): void;
}

/**
 * The module's hook, which a higher layer fills (`use`): until it does, appends need
 * nothing. One instance per module, given to the store as its `requirements` hook.
 * @internal
 */
export class AppendRequirementsSlot implements AppendRequirementsHook {
  private source?: AppendRequirementsHook;

  /** Takes the requirements from `source` from now on. */
  use(source: AppendRequirementsHook): void {
    this.source = source;
  }

  current(): readonly AppendPermission[] {
    return this.source?.current() ?? [];
  }

  holds(required: AppendPermission): boolean {
    return this.source?.holds(required) ?? true;
  }

  passed(required: readonly AppendPermission[]): void {
    this.source?.passed(required);
  }
}

/** The error for a requirement that does not hold: nothing was written. @internal */
export function deniedBy(required: AppendPermission): PermissionDeniedError {
  return new PermissionDeniedError(required.actorId, required.action, required.aggregateType, required.aggregateId);
}

/**
 * The in-memory store's check of the permissions the current work's append needs
 * (`hook`'s, read in its caller's context), where the PostgreSQL store's statement
 * makes it: at the append, so a revocation that comes later is ordered after it.
 * @throws PermissionDeniedError when one is not held; nothing is written.
 * @internal
 */
export function checkRequired(hook: AppendRequirementsHook | undefined): void {
  const required = hook?.current() ?? [];
  if (required.length === 0) return;
  for (const one of required) if (!hook!.holds(one)) throw deniedBy(one);
  hook!.passed(required);
}
