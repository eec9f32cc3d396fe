/** What kind of party acts: a person, a key of another program, or the application itself. */
export type ActorKind = 'user' | 'api-key' | 'system';

/**
 * Who performs a request or a command. An HTTP request gets one from its verified bearer
 * token (see `EventSourcingAccessModule`); the commands it dispatches, and the events they
 * store (`metadata.userId`), carry it on.
 */
export interface Actor {
  /** The user's id (the token's `sub`), the key's id, or a service's name. */
  readonly id: string;
  readonly kind: ActorKind;
  /** Roles held everywhere (not per aggregate), e.g. from a `roles` claim. */
  readonly roles?: readonly string[];
}

/**
 * The application itself acting (a saga, a migration script): every permission check
 * passes for it. Run such work with `MessageContext.run({ ..., actor: SYSTEM_ACTOR })`.
 */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'system', kind: 'system' });
