import type { INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import { BankModule } from '../apps/bank/src/bank.module';
import { TodoModule } from '../apps/todo/src/todo.module';
import { startHttpApp } from './support/http-app';
import { createTestDatabase, whileRefusingConnections, type TestDatabase } from './support/test-database';

describe.each<[string, Type]>([
  ['bank', BankModule],
  ['todo', TodoModule],
])('%s app: GET /health', (name, appModule) => {
  let database: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', `health_${name}`);
    app = await startHttpApp(appModule, database.url);
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
    await whileRefusingConnections(database, async () => {
      const down = await request(app.getHttpServer()).get('/health').expect(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    });
    await request(app.getHttpServer()).get('/health').expect(200);
  });
});
