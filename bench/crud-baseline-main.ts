import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CrudBaselineModule, setUpCrudBaselineApp } from './crud-baseline-app';

// The CRUD baseline as its own process, started by the HTTP benchmark as the bank's
// main.js is: DATABASE_URL, PORT and PG_APPLICATION_NAME from the environment.

async function bootstrap(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to the database of the CRUD baseline.');
  const module = CrudBaselineModule.forDatabase(url, process.env.PG_APPLICATION_NAME ?? 'crud-baseline');
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: ['error', 'warn'] });
  setUpCrudBaselineApp(app);
  await app.listen(Number(process.env.PORT ?? 3002));
}

bootstrap().catch((error: unknown) => {
  console.error('The CRUD baseline failed to start:', error);
  process.exitCode = 1;
});
