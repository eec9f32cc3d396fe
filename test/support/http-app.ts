import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';

/** What an app's main.ts applies to the application before it listens. */
export type AppSetUp = (app: NestExpressApplication) => void;

/**
 * Boots an app module over HTTP for supertest, on the given database, configured by the
 * same set-up function as its main.ts. The apps read DATABASE_URL (and ADMIN_TOKEN) in
 * their module factories, as they do in production; `env` sets more variables for the
 * boot only.
 */
export async function startHttpApp(
  appModule: Type,
  setUp: AppSetUp,
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<NestExpressApplication> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  assignEnv({ ...env, DATABASE_URL: databaseUrl });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [appModule] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'] });
    setUp(app);
    await app.init();
    return app;
  } finally {
    assignEnv(saved);
  }
}

function assignEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
