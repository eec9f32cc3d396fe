import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../events/actor';
import { MessageContext } from '../events/message-context';
import { PermissionDeniedError } from '../errors/permission-denied-error';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import type { ResolvedAccessOptions } from './access-options';
import { RESOLVED_ACCESS_OPTIONS } from './access.module-definition';
import { PermissionRequirements } from './permission-requirements';
import { PermissionStore } from './permission-store';
import { CommandTries } from '../commands/command-tries';
import { deniedBy } from '../store/append-requirements';

/** An aggregate instance a permission is about: its type (the `@Aggregate` stream type) and id. */
export interface AggregateRef {
  type: string;
  id: string;
}

/**
 * Answers whether the current actor (the request's, from `MessageContext`) may perform an
 * action on an aggregate, from the permissions read model that the events' `@Grants` and
 * `@Revokes` keep. Roles held everywhere and the system actor pass without a read. With
 * the module open (no `jwt`, no `enforce`) every check passes.
 */
@Injectable()
export class PermissionChecker {
  constructor(
    @Inject(RESOLVED_ACCESS_OPTIONS) private readonly options: ResolvedAccessOptions,
    private readonly store: PermissionStore,
    private readonly requirements: PermissionRequirements,
    private readonly context: MessageContext,
    private readonly tries: CommandTries,
  ) {}

  /** Whether checks are enforced (false: the module runs open). */
  get enforced(): boolean {
    return this.options.enforce;
  }

  /** The acting actor, if any. */
  actor(): Actor | undefined {
    return this.context.current()?.actor;
  }

  /**
   * Whether the actor may perform `action` on `ref`.
   * @throws UnauthenticatedError when checks are enforced and no actor acts.
   */
  async can(action: string, ref: AggregateRef, actor = this.actor()): Promise<boolean> {
    if (!this.options.enforce) return true;
    const acting = this.known(actor);
    if (this.passes(acting, action)) return true;
    const held = await this.store.holds({
      tenantId: this.tenant(),
      actorId: acting.id,
      aggregateType: ref.type,
      aggregateId: ref.id,
      permissions: this.options.allowing(action),
    });
    if (held) this.requirements.notePassed(this.keyOf(acting, action, ref));
    return held;
  }

  /**
   * Throws unless the actor may perform `action` on `ref`; for routes and reads.
   * @throws PermissionDeniedError when it may not.
   * @throws UnauthenticatedError when checks are enforced and no actor acts.
   */
  async assert(action: string, ref: AggregateRef, actor = this.actor()): Promise<void> {
    if (!(await this.can(action, ref, actor))) throw new PermissionDeniedError(actor!.id, action, ref.type, ref.id);
  }

  /**
   * The check for a command handler, made where it costs nothing: in the statement of
   * every append the command makes, with the permission's row locked (a revocation
   * committed before the append denies it, one in flight makes it wait, then deny), so a
   * denied command writes nothing. A command whose handling ends without an append, or
   * with any error but a denial, is checked by a read at its end, and a denied actor gets
   * {@link PermissionDeniedError} instead of its outcome (never a domain error or a "not
   * found" that would tell it something). Outside a command's handling (a handler run
   * directly, a service) it reads now, as {@link assert}. Side effects of a handler
   * other than appends (a mail, a call out) happen before the end: check those with
   * {@link assert} first. docs/authorization.md has the rule.
   * @throws PermissionDeniedError when it may not (outside a command's handling).
   * @throws UnauthenticatedError when checks are enforced and no actor acts.
   * @example
   * async execute({ listId, text }: AddItem) {
   *   await this.permissions.require('edit', { type: 'todolist', id: listId });
   *   return this.lists.update(listId, (list) => list.addItem(text));
   * }
   */
  async require(action: string, ref: AggregateRef, actor = this.actor()): Promise<void> {
    if (!this.options.enforce) return;
    const acting = this.known(actor);
    if (this.passes(acting, action)) return;
    const key = this.keyOf(acting, action, ref);
    // Outside a command's handling nothing checks at its end: the read is made now.
    if (!this.tries.settlesCurrent() && !this.requirements.passedBefore(key)) await this.assert(action, ref, acting);
    this.requirements.add({
      key,
      tenantId: this.tenant(),
      actorId: acting.id,
      action,
      aggregateType: ref.type,
      aggregateId: ref.id,
      permissions: this.options.allowing(action),
    });
  }

  /**
   * The end of a command's handling: the requirements that no append checked and no read
   * found held are read now, unless the command was denied already; the first one not
   * held replaces the outcome. As the route's guard, it leaves the "not found" of the
   * very aggregate required alone (there is nothing to deny on). @internal
   * @throws PermissionDeniedError
   */
  async settle(failure: { error: unknown } | undefined): Promise<void> {
    const error = failure?.error;
    if (error instanceof PermissionDeniedError || error instanceof UnauthenticatedError) return;
    for (const required of this.requirements.unchecked()) {
      if (await this.store.holds(required)) {
        this.requirements.notePassed(required.key);
        continue;
      }
      // The error names the aggregate's class, the requirement its stream type: the id tells.
      if (!(error instanceof AggregateNotFoundError && error.aggregateId === required.aggregateId)) {
        throw deniedBy(required);
      }
    }
  }

  /**
   * The ids of the aggregates of a type on which the actor may perform `action`, for
   * listing them: `'all'` when it may on every one (a `'*'` grant, a role, open mode).
   * @throws UnauthenticatedError when checks are enforced and no actor acts.
   */
  async aggregatesWith(action: string, aggregateType: string, actor = this.actor()): Promise<'all' | string[]> {
    if (!this.options.enforce) return 'all';
    const acting = this.known(actor);
    if (this.passes(acting, action)) return 'all';
    return this.store.aggregatesWith({
      tenantId: this.tenant(),
      actorId: acting.id,
      aggregateType,
      permissions: this.options.allowing(action),
    });
  }

  private keyOf(actor: Actor, action: string, ref: AggregateRef): string {
    return JSON.stringify([this.tenant(), actor.id, action, ref.type, ref.id]);
  }

  /** The current tenant ('' without one), whose permissions alone count. */
  private tenant(): string {
    return this.context.current()?.tenantId ?? '';
  }

  private known(actor: Actor | undefined): Actor {
    if (!actor) throw new UnauthenticatedError('No actor: the request carried no verified token.');
    return actor;
  }

  /** The system actor, and roles held everywhere, need no read. */
  private passes(actor: Actor, action: string): boolean {
    return actor.kind === 'system' || this.options.rolesAllow(actor.roles, action);
  }
}
