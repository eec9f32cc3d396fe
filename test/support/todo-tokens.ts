import { SignJWT } from 'jose';

/** The AUTH_SECRET the todo auth tests boot the app with. */
export const TODO_AUTH_SECRET = 'a-test-secret-of-at-least-32-characters!';

/** A bearer token the todo app accepts: HS256 with its secret, `sub` and `tenant`, valid for an hour. */
export async function todoToken(
  sub: string,
  tenant: string,
  options: { secret?: string; expiresIn?: string | number; alg?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const claims = { ...(sub ? { sub } : {}), ...(tenant ? { tenant } : {}), ...options.claims };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TODO_AUTH_SECRET));
}

/** An unsigned token (`alg: none`) with the claims a valid one would have. */
export function unsignedToken(sub: string, tenant: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, tenant, exp })}.`;
}
