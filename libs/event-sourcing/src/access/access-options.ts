import { ConfigurationError } from '../errors/configuration-error';

/** How bearer tokens are verified: JSON Web Tokens signed with a shared secret (HS256). */
export interface JwtAuthenticationOptions {
  /** The shared secret, at least 32 characters (256 bits for HS256). */
  secret: string;
  /** Accepted signing algorithms. Default `['HS256']`; `none` is never accepted. */
  algorithms?: readonly ('HS256' | 'HS384' | 'HS512')[];
  /** Required `iss`, when given. */
  issuer?: string;
  /** Required `aud`, when given. */
  audience?: string;
  /** The claim that names the actor's tenant, required when given (`'tenant'`). */
  tenantClaim?: string;
  /** A claim listing roles held everywhere (an array of strings), when given. */
  rolesClaim?: string;
  /** Leeway for `exp` and `nbf`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
}

/** Options of `EventSourcingAccessModule`. */
export interface EventSourcingAccessOptions {
  /**
   * How requests prove who they are. Unset: the module runs open (no token is asked for,
   * every check passes, events still declare their grants), as an app before it has users.
   */
  jwt?: JwtAuthenticationOptions;
  /**
   * Whether checks are enforced. Default: when `jwt` is set. Set it with an actor of your
   * own (a middleware that runs `MessageContext.run` with one) and no `jwt`.
   */
  enforce?: boolean;
  /**
   * Roles by name, each the actions it allows (`'*'`: all). A grant may name a role
   * instead of an action; an actor may hold roles everywhere (`Actor.roles`).
   * @example { viewer: ['view'], editor: ['view', 'edit'] }
   */
  roles?: Readonly<Record<string, readonly string[]>>;
}

/** The options with their defaults, checked. @internal */
export interface ResolvedAccessOptions {
  jwt: (Required<Pick<JwtAuthenticationOptions, 'secret' | 'algorithms'>> & JwtAuthenticationOptions) | undefined;
  enforce: boolean;
  /** For each action, the permissions that allow it: itself, `'*'`, and the roles that include it. */
  allowing: (action: string) => readonly string[];
  /** Whether roles held everywhere allow an action. */
  rolesAllow: (roles: readonly string[] | undefined, action: string) => boolean;
}

/** @internal */
export function resolveAccessOptions(options: EventSourcingAccessOptions): ResolvedAccessOptions {
  const { jwt } = options;
  if (jwt && (typeof jwt.secret !== 'string' || jwt.secret.length < 32)) {
    throw new ConfigurationError(
      'EventSourcingAccessModule: jwt.secret must be at least 32 characters (256 bits for HS256).',
    );
  }
  const roles = options.roles ?? {};
  const allowed = new Map<string, readonly string[]>();
  const allowing = (action: string): readonly string[] => {
    let found = allowed.get(action);
    if (!found) {
      const byRole = Object.entries(roles).filter(([, actions]) => actions.includes(action) || actions.includes('*'));
      found = [action, '*', ...byRole.map(([role]) => role)];
      allowed.set(action, found);
    }
    return found;
  };
  return {
    jwt: jwt ? { ...jwt, algorithms: jwt.algorithms ?? ['HS256'] } : undefined,
    enforce: options.enforce ?? jwt !== undefined,
    allowing,
    rolesAllow: (held, action) => (held ?? []).some((role) => allowing(action).includes(role)),
  };
}
