import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/**
 * Boots an app module over HTTP for supertest, on the given database. The apps read
 * DATABASE_URL in their module factory, as they do in production.
 */
export async function startHttpApp(appModule: Type, databaseUrl: string): Promise<INestApplication> {
  process.env.DATABASE_URL = databaseUrl;
  const moduleRef = await Test.createTestingModule({ imports: [appModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  await app.init();
  return app;
}
