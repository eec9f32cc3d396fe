import type * as Jose from 'jose';
import type { Actor } from '../events/actor';
import { ConfigurationError } from '../errors/configuration-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import type { ResolvedAccessOptions } from './access-options';

/** Who a verified token says acts, and for which tenant. @internal */
export interface VerifiedToken {
  actor: Actor;
  tenantId?: string;
}

function loadJose(): typeof Jose {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when jwt is configured
    return require('jose') as typeof Jose;
  } catch (error) {
    throw new ConfigurationError(
      'EventSourcingAccessModule: jwt needs the package "jose"; install it (npm install jose).',
      { cause: error },
    );
  }
}

/**
 * Verifies `Authorization: Bearer <JWT>` with `jose`: the signature with the shared
 * secret, one of the configured algorithms only (so `alg: none` and a token signed with
 * another algorithm fail), `exp`/`nbf`, issuer and audience when configured, and the
 * required claims (`sub`, and the tenant claim when configured). @internal
 */
export class BearerTokenVerifier {
  private readonly jose: typeof Jose;
  private readonly key: Uint8Array;

  constructor(private readonly jwt: NonNullable<ResolvedAccessOptions['jwt']>) {
    this.jose = loadJose();
    this.key = new TextEncoder().encode(jwt.secret);
  }

  /** @throws UnauthenticatedError with the reason, never the token. */
  async verify(authorization: string | undefined): Promise<VerifiedToken> {
    const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new UnauthenticatedError('No bearer token.');
    const { jwt } = this;
    const claims = [...new Set(['sub', ...(jwt.tenantClaim ? [jwt.tenantClaim] : [])])];
    let payload: Jose.JWTPayload;
    try {
      ({ payload } = await this.jose.jwtVerify(match[1], this.key, {
        algorithms: [...jwt.algorithms],
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: claims,
        clockTolerance: jwt.clockToleranceSeconds ?? 0,
      }));
    } catch (error) {
      throw new UnauthenticatedError(this.reasonOf(error));
    }
    const tenant = jwt.tenantClaim ? payload[jwt.tenantClaim] : undefined;
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new UnauthenticatedError('The token\'s "sub" claim is not a non-empty string.');
    }
    if (jwt.tenantClaim && (typeof tenant !== 'string' || tenant === '')) {
      throw new UnauthenticatedError(`The token's "${jwt.tenantClaim}" claim is not a non-empty string.`);
    }
    const roles = jwt.rolesClaim ? payload[jwt.rolesClaim] : undefined;
    const actor: Actor = {
      id: payload.sub,
      kind: 'user',
      ...(Array.isArray(roles) ? { roles: roles.filter((r): r is string => typeof r === 'string') } : {}),
    };
    return { actor, ...(typeof tenant === 'string' ? { tenantId: tenant } : {}) };
  }

  private reasonOf(error: unknown): string {
    const { errors } = this.jose;
    if (error instanceof errors.JWTExpired) return 'The bearer token has expired.';
    if (error instanceof errors.JWSSignatureVerificationFailed) return "The bearer token's signature does not verify.";
    if (error instanceof errors.JOSEAlgNotAllowed) return 'The bearer token is not signed with an accepted algorithm.';
    if (error instanceof errors.JWTClaimValidationFailed) {
      return `The bearer token's "${error.claim}" claim is missing or invalid.`;
    }
    return 'The bearer token is not a valid JWT.';
  }
}
