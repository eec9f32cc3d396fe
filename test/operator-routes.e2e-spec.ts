import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';
import { startTodoApp, type TodoTestApp } from './support/todo-app';

// The library's operator module, as the bank mounts it: the whole of queryEvents as
// query parameters, a stream's description, rebuilding every projection; bad input a
// coded 400 that writes nothing.
describe('operator module in the bank: the routes beside the bank contract', () => {
  let bank: BankTestApp;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    bank = await startBankApp('operator_routes');
    ada = await bank.openAccount('Ada', 100);
    bob = await bank.openAccount('Bob', 50);
    for (const amount of [1, 2, 3]) {
      await bank.http().post(`/accounts/${ada}/deposits`).send({ amount }).expect(200);
    }
  });
  afterAll(() => bank?.close());

  const admin = (method: 'get' | 'post', path: string) =>
    bank.http()[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const events = async (query: string) =>
    (await admin('get', `/events${query}`).expect(200)).body.events as {
      streamId: string;
      version: number;
      position: string;
      type: string;
    }[];

  it('filters by stream type, version range and position range', async () => {
    const ofAda = await events(`?stream=account-${ada}&fromVersion=2&toVersion=3&order=oldest-first`);
    expect(ofAda.map((e) => e.version)).toEqual([2, 3]);
    const accounts = await events('?streamType=account&limit=1000');
    expect(new Set(accounts.map((e) => e.streamId))).toEqual(new Set([`account-${ada}`, `account-${bob}`]));
    const [first, second] = ofAda;
    const range = await events(`?fromPosition=${first!.position}&toPosition=${second!.position}&order=oldest-first`);
    const from = Number(first!.position);
    const every = Array.from({ length: Number(second!.position) - from + 1 }, (_, i) => String(from + i));
    expect(range.map((e) => e.position)).toEqual(every);
  });

  it('ORs the filters of any, each ANDed with the other parameters', async () => {
    const any = encodeURIComponent(
      JSON.stringify([{ stream: `account-${bob}` }, { stream: [`account-${ada}`], fromVersion: 4 }]),
    );
    const found = await events(`?any=${any}&type=bank.money-deposited&order=oldest-first`);
    expect(found.map((e) => [e.streamId, e.version])).toEqual([
      [`account-${bob}`, 2],
      [`account-${ada}`, 4],
      [`account-${ada}`, 5],
    ]);
  });

  it('reads since and until as durations or ISO 8601 times', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(await events(`?stream=account-${ada}&since=${encodeURIComponent(hourAgo)}`)).toHaveLength(5);
    expect(await events(`?stream=account-${ada}&until=${encodeURIComponent(hourAgo)}`)).toEqual([]);
    expect(await events(`?stream=account-${ada}&since=3%20days&until=1%20day`)).toEqual([]);
  });

  it.each([
    ['a version that is no number', 'VALIDATION_FAILED', '?fromVersion=0x10'],
    ['a negative version', 'VALIDATION_FAILED', '?toVersion=-1'],
    ['a position past bigint', 'VALIDATION_FAILED', '?fromPosition=9223372036854775808'],
    ['a position of 0', 'VALIDATION_FAILED', '?toPosition=0'],
    ['a NUL in a stream type', 'INVALID_TEXT', '?streamType=a%00b'],
    ['any that is no JSON', 'ES_INVALID_QUERY', '?any=%7Bnope'],
    ['any with an unknown key', 'ES_INVALID_QUERY', `?any=${encodeURIComponent('[{"colour":"red"}]')}`],
    ['any with a key also outside it', 'ES_INVALID_QUERY', `?type=a&any=${encodeURIComponent('[{"type":"b"}]')}`],
    ['any with an unreadable duration', 'ES_INVALID_QUERY', `?any=${encodeURIComponent('[{"since":"soon"}]')}`],
    ['an empty any', 'ES_INVALID_QUERY', '?any=%5B%5D'],
    ['an invalid ISO time', 'ES_INVALID_QUERY', '?since=2024-13-45'],
    ['a repeated limit', 'VALIDATION_FAILED', '?limit=1&limit=2'],
  ])('answers %s with 400 %s, writing nothing', async (_name, code, query) => {
    const before = await bank.countEvents();
    const response = await admin('get', `/events${query}`).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code, status: 400 });
    expect(await bank.countEvents()).toBe(before);
  });

  it('describes a stream: type, version, deleted flag, snapshot', async () => {
    const { body } = await admin('get', `/admin/streams/account-${ada}`).expect(200);
    expect(body).toEqual({
      streamId: `account-${ada}`,
      streamType: 'account',
      version: 5,
      deleted: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      snapshot: null,
    });
  });

  it('answers 404 ES_STREAM_NOT_FOUND for a stream never written, 400 for an impossible id, 401 without the token', async () => {
    const missing = await admin('get', '/admin/streams/account-nobody').expect(404);
    expect(missing.body).toMatchObject({ code: 'ES_STREAM_NOT_FOUND', status: 404 });
    const bad = await admin('get', `/admin/streams/${'x'.repeat(300)}`).expect(400);
    expect(bad.body).toMatchObject({ code: 'ES_INVALID_STREAM_ID' });
    const nul = await admin('get', '/admin/streams/a%00b').expect(400);
    expect(nul.body).toMatchObject({ code: 'INVALID_TEXT' });
    await bank.http().get(`/admin/streams/account-${ada}`).expect(401);
  });

  it('rebuilds every projection, and leaves the saga alone', async () => {
    const dataSource = bank.app.get(DataSource);
    const read = () => dataSource.query('SELECT id, balance, version FROM bank_account_views ORDER BY id');
    await waitForCondition(async () => (await bank.balances(ada)).length === 1, 10_000);
    const before = await read();
    const { body } = await admin('post', '/admin/subscriptions/rebuild').expect(202);
    expect((body.subscribers as { name: string }[]).map((s) => s.name)).toEqual(['bank-accounts']);
    await waitForCondition(async () => {
      const { subscribers } = (await admin('get', '/admin/subscriptions').expect(200)).body as {
        subscribers: { name: string; state: string; rebuild?: unknown }[];
      };
      const accounts = subscribers.find((s) => s.name === 'bank-accounts')!;
      return accounts.state === 'caught-up' && accounts.rebuild === undefined;
    }, 10_000);
    expect(await read()).toEqual(before);
  });

  it('documents the added routes under the operator tag', async () => {
    const { body } = await bank.http().get('/docs-json').expect(200);
    expect(body.paths['/admin/streams/{streamId}'].get.tags).toEqual(['operator']);
    expect(body.paths['/admin/subscriptions/rebuild'].post.tags).toEqual(['operator']);
    expect(Object.keys(body.paths)).not.toContain('/admin');
  });
});

describe('operator module without an admin token', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('operator_off', null);
  });
  afterAll(() => bank?.close());

  it.each(['/admin', '/admin/admin.js', '/admin/admin.css', '/admin/streams/account-1', '/admin/subscriptions'])(
    'answers 404 for %s, as if it did not exist',
    async (path) => {
      const response = await bank.http().get(path).set('Authorization', 'Bearer anything').expect(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    },
  );
});

describe('operator module in the todo app', () => {
  let todo: TodoTestApp;

  beforeAll(async () => {
    todo = await startTodoApp('operator_todo', { ADMIN_TOKEN });
  });
  afterAll(() => todo?.close());

  it("answers the todo app's events and subscribers behind its admin token", async () => {
    const { id } = await todo.createList('Chores');
    const { body } = await todo
      .http()
      .get(`/events?stream=todolist-${id}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect((body.events as { type: string }[]).length).toBe(1);
    const status = await todo.http().get('/admin/subscriptions').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(status.status).toBe(200);
    await todo.http().get('/events').expect(401);
  });
});
