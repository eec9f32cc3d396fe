import type { Response } from 'supertest';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';
import { startTodoApp, type TodoTestApp } from './support/todo-app';

// Hostile input on every route that reaches SQL, over HTTP: each is a coded 4xx
// problem, never a 500, and writes nothing.

let bank: BankTestApp;
let todo: TodoTestApp;
let account: string;
let list: string;

beforeAll(async () => {
  [bank, todo] = await Promise.all([startBankApp('hostile_bank'), startTodoApp('hostile_todo')]);
  account = await bank.openAccount('Ada', 100);
  list = (await todo.createList('Groceries')).id;
});

afterAll(async () => {
  await Promise.all([bank?.close(), todo?.close()]);
});

/** A coded problem+json answer (the library's HTTP fixture checks status, code and media type). */
function expectProblem(response: Response, status: number, code: string): void {
  bank.expectProblem(response, status, code);
}

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('text PostgreSQL cannot store, in query and path parameters', () => {
  it.each([
    ['/events?type=%00', admin],
    ['/events?stream=a%00b', admin],
    ['/events?correlationId=%00', admin],
    ['/accounts?after=%00', {}],
    ['/accounts/%00', {}],
    ['/accounts/a%00/transactions', {}],
    ['/transfers/%00', {}],
  ])('bank GET %s answers 400 INVALID_TEXT', async (path, headers) => {
    expectProblem(await bank.http().get(path).set(headers), 400, 'INVALID_TEXT');
  });

  it('bank POST /admin/subscriptions/:name/rebuild with a NUL in the name answers 400 INVALID_TEXT', async () => {
    expectProblem(await bank.http().post('/admin/subscriptions/a%00/rebuild').set(admin), 400, 'INVALID_TEXT');
  });

  it('bank POST /accounts/:id/deposits with a NUL in the id answers 400 and writes nothing', async () => {
    const before = await bank.countEvents();
    const response = await bank.http().post('/accounts/%00/deposits').send({ amount: 5 });
    expectProblem(response, 400, 'INVALID_TEXT');
    expect(await bank.countEvents()).toBe(before);
  });

  it.each(['/lists?after=%00', '/lists/%00', '/lists/a%00b?minPosition=1'])(
    'todo GET %s answers 400 INVALID_TEXT',
    async (path) => {
      expectProblem(await todo.http().get(path), 400, 'INVALID_TEXT');
    },
  );

  it('todo POST /lists/:id/items/:itemId/complete with a NUL answers 400 and writes nothing', async () => {
    const before = await todo.countEvents();
    expectProblem(await todo.http().post(`/lists/${list}/items/%00/complete`), 400, 'INVALID_TEXT');
    expect(await todo.countEvents()).toBe(before);
  });
});

describe('ids that name Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString'])(
    'todo POST /lists/:id/items/%s/complete is no item, writes nothing and pollutes nothing',
    async (itemId) => {
      const before = await todo.countEvents();
      const response = await todo.http().post(`/lists/${list}/items/${itemId}/complete`);
      expectProblem(response, 404, 'NOT_FOUND');
      expect(await todo.countEvents()).toBe(before);
      expect(({} as Record<string, unknown>).completedAt).toBeUndefined();
    },
  );
});

describe('numbers past their column, or not in decimal digits', () => {
  it.each([
    `/accounts?minPosition=9999999999999999999`,
    `/accounts?minPosition=9223372036854775808`,
    `/accounts?limit=0x10`,
    `/accounts?limit=1e1`,
  ])('bank GET %s answers 400 VALIDATION_FAILED', async (path) => {
    expectProblem(await bank.http().get(path), 400, 'VALIDATION_FAILED');
  });

  it('bank GET /accounts/:id/transactions?before=99999999999999999999 answers 400', async () => {
    const response = await bank.http().get(`/accounts/${account}/transactions?before=99999999999999999999`);
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('bank GET /events?limit=0x10 answers 400', async () => {
    expectProblem(await bank.http().get('/events?limit=0x10').set(admin), 400, 'VALIDATION_FAILED');
  });

  it.each([
    '/lists?minPosition=9223372036854775808',
    '/lists?limit=0x10',
    `/lists/LIST?minPosition=99999999999999999999`,
  ])('todo GET %s answers 400 VALIDATION_FAILED', async (path) => {
    expectProblem(await todo.http().get(path.replace('LIST', list)), 400, 'VALIDATION_FAILED');
  });
});

describe('bodies', () => {
  const deep = (depth: number) => `{"owner":"Ada","initialDeposit":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  it.each([
    ['bank POST /accounts', () => bank.http().post('/accounts'), () => bank.countEvents()],
    ['todo POST /lists', () => todo.http().post('/lists'), () => todo.countEvents()],
  ])('%s: a body nested 10,000 deep answers 400 JSON_TOO_DEEP and writes nothing', async (_t, post, count) => {
    const before = await count();
    const response = await post().set('Content-Type', 'application/json').send(deep(10_000));
    expectProblem(response, 400, 'JSON_TOO_DEEP');
    expect(await count()).toBe(before);
  });

  it.each([
    '{"owner":"Ada","initialDeposit":5,"__proto__":{"isAdmin":true}}',
    '{"owner":"Ada","constructor":{"prototype":{"polluted":1}}}',
    '{"owner":"Ada","initialDeposit":5,"x":[{"prototype":1}]}',
  ])('bank POST /accounts with %s answers 400 FORBIDDEN_JSON_KEY and writes nothing', async (body) => {
    const before = await bank.countEvents();
    const response = await bank.http().post('/accounts').set('Content-Type', 'application/json').send(body);
    expectProblem(response, 400, 'FORBIDDEN_JSON_KEY');
    expect(await bank.countEvents()).toBe(before);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('todo PATCH /lists/:id with a __proto__ key answers 400 and renames nothing', async () => {
    const before = await todo.countEvents();
    const response = await todo
      .http()
      .patch(`/lists/${list}`)
      .set('Content-Type', 'application/json')
      .send('{"title":"Hacked","__proto__":{"x":1}}');
    expectProblem(response, 400, 'FORBIDDEN_JSON_KEY');
    expect(await todo.countEvents()).toBe(before);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'owner=Ada&initialDeposit=5'],
    ['text/plain', '{"owner":"Ada"}'],
  ])('bank POST /accounts with a %s body answers 415 and writes nothing', async (type, body) => {
    const before = await bank.countEvents();
    const response = await bank.http().post('/accounts').set('Content-Type', type).send(body);
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await bank.countEvents()).toBe(before);
  });

  it('todo POST /lists/:id/items with a form body answers 415 and writes nothing', async () => {
    const before = await todo.countEvents();
    const response = await todo
      .http()
      .post(`/lists/${list}/items`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('text=Milk');
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await todo.countEvents()).toBe(before);
  });

  it('a NUL character in a body field answers 400 INVALID_TEXT and writes nothing', async () => {
    const before = await bank.countEvents();
    const response = await bank.http().post('/accounts').send({ owner: 'A\u0000da' });
    expectProblem(response, 400, 'INVALID_TEXT');
    expect(await bank.countEvents()).toBe(before);
  });
});
