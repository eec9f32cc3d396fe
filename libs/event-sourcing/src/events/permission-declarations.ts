import type { EventEnvelope } from './event-envelope';

const GRANTS = Symbol('event-sourcing:grants');
const REVOKES = Symbol('event-sourcing:revokes');

/**
 * A permission on one aggregate (`aggregateId`) or on every aggregate of a type (`'*'`):
 * an action (`'edit'`), every action (`'*'`), or a role of the access module's `roles`.
 */
export interface PermissionGrant {
  actorId: string;
  aggregateType: string;
  aggregateId: string;
  permission: string;
}

/** What a revocation removes: the named permissions, or all of the actor's on the aggregate. */
export interface PermissionRevocation {
  actorId: string;
  aggregateType: string;
  aggregateId: string;
  /** Only these; every permission of the actor on the aggregate when absent. */
  permissions?: readonly string[];
}

/** Reads what an event grants or revokes from its data and envelope (`metadata.userId`: who acted). */
export type PermissionDeclaration<T, R> = (data: T, event: EventEnvelope<T>) => R | readonly R[] | undefined;

/** What {@link Grants} and {@link Revokes} record on an event class. @internal */
export interface PermissionDeclarations {
  grants?: PermissionDeclaration<never, PermissionGrant>;
  revokes?: PermissionDeclaration<never, PermissionRevocation>;
}

/**
 * Declares what an event grants: when it is stored, the permissions read model gains
 * these grants in the same transaction (so a grant is audited and replayable). Return
 * nothing to grant nothing (an event stored without an actor, say).
 * @example
 * @DomainEvent('todo.list-created')
 * @Grants<TodoListCreated>((data, event) =>
 *   event.metadata.userId
 *     ? { actorId: event.metadata.userId, aggregateType: 'todolist', aggregateId: data.listId, permission: '*' }
 *     : undefined,
 * )
 * export class TodoListCreated { ... }
 */
export function Grants<T>(declaration: PermissionDeclaration<T, PermissionGrant>): ClassDecorator {
  return (target) => Reflect.defineMetadata(GRANTS, declaration, target);
}

/**
 * Declares what an event revokes, applied like {@link Grants} (revocations first when an
 * event declares both, so an event may replace a grant).
 * @example
 * @DomainEvent('todo.member-removed')
 * @Revokes<MemberRemoved>((data) => ({ actorId: data.userId, aggregateType: 'todolist', aggregateId: data.listId }))
 * export class MemberRemoved { ... }
 */
export function Revokes<T>(declaration: PermissionDeclaration<T, PermissionRevocation>): ClassDecorator {
  return (target) => Reflect.defineMetadata(REVOKES, declaration, target);
}

/** The grants and revocations an event class declares, if any. @internal */
export function getPermissionDeclarations(target: unknown): PermissionDeclarations | undefined {
  if (typeof target !== 'function') return undefined;
  const grants = Reflect.getMetadata(GRANTS, target) as PermissionDeclarations['grants'];
  const revokes = Reflect.getMetadata(REVOKES, target) as PermissionDeclarations['revokes'];
  return grants || revokes ? { grants, revokes } : undefined;
}

/** The declarations' results as a list. @internal */
export function listOf<R>(result: R | readonly R[] | undefined): readonly R[] {
  if (result === undefined) return [];
  return Array.isArray(result) ? (result as readonly R[]) : [result as R];
}
