import type { INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import { BankModule } from '../apps/bank/src/bank.module';
import { setUpBankApp } from '../apps/bank/src/set-up-bank-app';
import { setUpTodoApp } from '../apps/todo/src/set-up-todo-app';
import { TodoModule } from '../apps/todo/src/todo.module';
import { waitForCondition } from './support/app-process';
import { captureLogs } from './support/captured-logs';
import { startHttpApp, type AppSetUp } from './support/http-app';
import { createTestDatabase, whileRefusingConnections, type TestDatabase } from './support/test-database';

describe.each<[string, Type, AppSetUp]>([
  ['bank', BankModule, setUpBankApp],
  ['todo', TodoModule, setUpTodoApp],
])('%s app: GET /health', (name, appModule, setUp) => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', `health_${name}`);
    app = await startHttpApp(appModule, setUp, database.url);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers 200 with the database up', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up', database: expect.stringContaining(`es_health_${name}`) } },
    });
    if (name === 'bank') {
      expect(response.body.details.projections).toMatchObject({
        status: 'up',
        subscribers: { 'bank-accounts': { lag: 0, position: '0' } },
      });
    }
  });

  it('answers 503 while the database refuses connections, and 200 again within seconds of its return, without a restart', async () => {
    const logs = captureLogs();
    try {
      await whileRefusingConnections(database, async () => {
        const down = await request(app.getHttpServer()).get('/health').expect(503);
        expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      });
      // Back within seconds: the projections' runners retry with a backoff of at most 2 s.
      const back = Date.now();
      await waitForCondition(async () => (await request(app.getHttpServer()).get('/health')).status === 200, 10_000);
      expect(Date.now() - back).toBeLessThan(10_000);
    } finally {
      logs.restore();
    }
    // The outage was logged, as an operator would want it, and by SQLSTATE only.
    expect(logs.at('error')).toContainEqual(expect.stringContaining('Health Check has failed!'));
  });
});
