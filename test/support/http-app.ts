import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpFixture, type HttpFixture } from 'nest-event-sourcing/testing';

/** What an app's main.ts applies to the application before it listens. */
export type AppSetUp = (app: NestExpressApplication) => void;

/**
 * Boots an app module over HTTP on the given database with the library's HTTP fixture,
 * configured by the same set-up function as its main.ts. The apps read DATABASE_URL
 * (and ADMIN_TOKEN) from their environment at boot, as in production; `env` sets more
 * variables for the boot only.
 */
export async function startHttpFixture(
  appModule: Type,
  setUp: AppSetUp,
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<HttpFixture> {
  return createHttpFixture(appModule, { setUp, env: { ...env, DATABASE_URL: databaseUrl } });
}

/** {@link startHttpFixture}'s app alone, for tests that drive it themselves. */
export async function startHttpApp(
  appModule: Type,
  setUp: AppSetUp,
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<NestExpressApplication> {
  return (await startHttpFixture(appModule, setUp, databaseUrl, env)).app;
}
