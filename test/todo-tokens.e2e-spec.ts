import { createHmac } from 'node:crypto';
import { CompactSign, generateKeyPair, SignJWT } from 'jose';
import { EventStore } from 'nest-event-sourcing';
import { startTodoApp, type TodoTestApp } from './support/todo-app';
import { TODO_AUTH_SECRET, todoToken, unsignedToken } from './support/todo-tokens';

const key = new TextEncoder().encode(TODO_AUTH_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A compact JWS of any header and payload, signed HS256 with the app's secret unless told. */
async function signed(payload: unknown, header: Record<string, unknown> = {}, secret = key): Promise<string> {
  const bytes = new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader({ alg: 'HS256', ...header }).sign(secret);
}

/** The claims of a good token, for one to be spoiled. */
const good = (claims: Record<string, unknown> = {}) => ({
  sub: 'tia',
  tenant: 'initech',
  exp: now() + 3600,
  ...claims,
});

// Token edge cases against the todo app with AUTH_SECRET: every bad Authorization header
// answers 401 problem+json ES_UNAUTHENTICATED with `WWW-Authenticate: Bearer` (an
// oversized header: 431, from Node's parser), never echoes the token, and writes nothing.
describe('todo app with AUTH_SECRET: bearer token edge cases', () => {
  let todo: TodoTestApp;
  const http = () => todo.http();
  let cases: [string, string | undefined, RegExp][];

  beforeAll(async () => {
    todo = await startTodoApp('todo_tokens', { AUTH_SECRET: TODO_AUTH_SECRET });
    const rsa = await generateKeyPair('RS256');
    const claims = good();
    const bearer = (token: string) => `Bearer ${token}`;
    cases = [
      ['no Authorization header', undefined, /No bearer token/],
      ['an empty header', '', /No bearer token/],
      ['the scheme alone', 'Bearer', /No bearer token/],
      ['the scheme and a space', 'Bearer ', /No bearer token/],
      ['Basic credentials', 'Basic dGlhOnNlY3JldA==', /No bearer token/],
      ['a good token in the Basic scheme', `Basic ${await todoToken('tia', 'initech')}`, /No bearer token/],
      ['a good token after a second word', `Bearer ${await todoToken('tia', 'initech')} extra`, /No bearer token/],
      ['two tokens', `Bearer ${await todoToken('tia', 'initech')}, Bearer x`, /No bearer token/],
      ['an expired token', bearer(await signed(good({ exp: now() - 60 }))), /expired/],
      ['a token not yet valid (nbf in an hour)', bearer(await signed(good({ nbf: now() + 3600 }))), /"nbf"/],
      ['exp that is no number', bearer(await signed(good({ exp: 'tomorrow' }))), /"exp"/],
      [
        'a token signed with another secret',
        bearer(await todoToken('tia', 'initech', { secret: 'x'.repeat(40) })),
        /signature/,
      ],
      [
        'a good token with its signature cut off',
        bearer((await todoToken('tia', 'initech')).replace(/\.[^.]+$/, '.')),
        /signature|not a valid JWT/,
      ],
      ['an unsigned token (alg: none)', bearer(unsignedToken('tia', 'initech')), /algorithm|not a valid JWT/],
      ['alg "none" signed anyway', bearer(signedNone(claims)), /algorithm|not a valid JWT/],
      ['HS512 with the right secret', bearer(await todoToken('tia', 'initech', { alg: 'HS512' })), /algorithm/],
      ['HS384 with the right secret', bearer(await todoToken('tia', 'initech', { alg: 'HS384' })), /algorithm/],
      [
        'RS256 with a key of its own',
        bearer(await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey)),
        /algorithm/,
      ],
      ['alg "hs256" in lower case', bearer(forgedHeader({ alg: 'hs256' }, claims)), /algorithm|not a valid JWT/],
      [
        'an unknown critical header',
        bearer(forgedHeader({ alg: 'HS256', crit: ['x-must'], 'x-must': 1 }, claims)),
        /not a valid JWT/,
      ],
      ['three dots of nothing', 'Bearer ...', /not a valid JWT/],
      ['no JWT at all', 'Bearer not.a.jwt', /not a valid JWT/],
      ['a single word', 'Bearer abcdef', /not a valid JWT/],
      ['a payload that is no JSON', bearer(await signed('{"sub":')), /not a valid JWT/],
      ['a payload that is a JSON array', bearer(await signed('["tia"]')), /not a valid JWT/],
      ['five parts (a JWE shape)', 'Bearer a.b.c.d.e', /not a valid JWT/],
      ['sub missing', bearer(await signed({ tenant: 'initech', exp: now() + 60 })), /"sub"/],
      ['sub empty', bearer(await signed(good({ sub: '' }))), /"sub"/],
      ['sub a number', bearer(await signed(good({ sub: 42 }))), /"sub"|not a valid JWT/],
      ['sub an object', bearer(await signed(good({ sub: { id: 'tia' } }))), /"sub"|not a valid JWT/],
      ['tenant missing', bearer(await signed({ sub: 'tia', exp: now() + 60 })), /"tenant"/],
      ['tenant empty', bearer(await signed(good({ tenant: '' }))), /"tenant"/],
      ['tenant a number', bearer(await signed(good({ tenant: 7 }))), /"tenant"/],
      ['tenant a list', bearer(await signed(good({ tenant: ['initech', 'acme'] }))), /"tenant"/],
      [
        'a big token (8 kB) with a bad signature',
        bearer(await signed(good({ pad: 'p'.repeat(8_000) }), {}, new TextEncoder().encode('y'.repeat(40)))),
        /signature/,
      ],
      ['a token with characters a JWT never has', 'Bearer abc<def>.ghi', /No bearer token/],
    ];
  });
  afterAll(() => todo?.close());

  it('refuses each bad Authorization header with 401 ES_UNAUTHENTICATED, writing nothing', async () => {
    const before = await todo.countEvents();
    for (const [label, authorization, reason] of cases) {
      const request = http()
        .post('/lists')
        .send({ title: `By ${label}` });
      const answer = await (authorization === undefined ? request : request.set('Authorization', authorization));
      const seen = {
        label,
        status: answer.status,
        type: answer.headers['content-type'] as string,
        challenge: answer.headers['www-authenticate'] as string,
        code: (answer.body as { code?: string }).code,
        reason: reason.test((answer.body as { detail?: string }).detail ?? ''),
      };
      expect(seen).toEqual({
        label,
        status: 401,
        type: expect.stringMatching(/^application\/problem\+json/),
        challenge: 'Bearer',
        code: 'ES_UNAUTHENTICATED',
        reason: true,
      });
      const token = authorization?.split(' ')[1];
      if (token && token.length > 8)
        expect({ label, echoed: answer.text.includes(token) }).toEqual({ label, echoed: false });
    }
    expect(await todo.countEvents()).toBe(before);
  });

  it('refuses on reads as on commands: GET /lists and GET /lists/:id', async () => {
    const expired = `Bearer ${await signed(good({ exp: now() - 1 }))}`;
    for (const path of ['/lists', '/lists/some-list']) {
      const answer = await http().get(path).set('Authorization', expired).expect(401);
      expect(answer.body).toMatchObject({ code: 'ES_UNAUTHENTICATED' });
    }
  });

  it('answers an oversized header with 431 from the HTTP parser, not 500, and writes nothing', async () => {
    const before = await todo.countEvents();
    const huge = `Bearer ${await signed(good({ pad: 'p'.repeat(64_000) }))}`;
    const answer = await http().post('/lists').set('Authorization', huge).send({ title: 'Huge' });
    expect(answer.status).toBe(431);
    expect(await todo.countEvents()).toBe(before);
  });

  it('takes the scheme in any case (RFC 9110), and the same token checks then', async () => {
    const token = await todoToken('tia', 'initech');
    await http().get('/lists').set('Authorization', `bearer ${token}`).expect(200);
    await http().get('/lists').set('Authorization', `BEARER ${token}`).expect(200);
    const expired = await signed(good({ exp: now() - 1 }));
    const answer = await http().get('/lists').set('Authorization', `bearer ${expired}`).expect(401);
    expect(answer.body).toMatchObject({ code: 'ES_UNAUTHENTICATED', detail: expect.stringMatching(/expired/) });
  });

  it('accepts a good token, so that the refusals above are the tokens’ doing', async () => {
    const created = await http()
      .post('/lists')
      .set('Authorization', `Bearer ${await signed(good())}`)
      .send({ title: 'Initech plan' })
      .expect(201);
    expect(
      (await todo.app.get(EventStore).readStream(`todolist-${created.body.id as string}`))[0]?.metadata,
    ).toMatchObject({
      userId: 'tia',
      tenantId: 'initech',
    });
  });
});

/** A token whose header says `alg: none`, with an HS256 signature after it all the same. */
function signedNone(claims: object): string {
  return forgedHeader({ alg: 'none' }, claims);
}

/** A token with this header, the body and an HS256 signature of the app's secret over both. */
function forgedHeader(header: object, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part(claims)}`;
  return `${input}.${createHmac('sha256', TODO_AUTH_SECRET).update(input).digest('base64url')}`;
}
