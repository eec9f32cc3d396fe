import type { INestApplication, Type } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { BankModule } from '../apps/bank/src/bank.module';
import { setUpBankApp } from '../apps/bank/src/set-up-bank-app';
import { setUpTodoApp } from '../apps/todo/src/set-up-todo-app';
import { TodoModule } from '../apps/todo/src/todo.module';
import { startHttpApp, type AppSetUp } from './support/http-app';
import { createTestDatabase, serverUrl, type TestDatabase } from './support/test-database';

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
  });

  it('answers 503 while the database refuses connections, and 200 again once it is back, without a restart', async () => {
    const dbName = new URL(database.url).pathname.slice(1);
    const admin = new Client({ connectionString: serverUrl('postgres') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
      const down = await request(app.getHttpServer()).get('/health').expect(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    } finally {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await request(app.getHttpServer()).get('/health').expect(200);
  });
});
