import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { createRequire } from 'node:module';
import type request from 'supertest';
import { ConfigurationError } from '../errors/configuration-error';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../http/problem-details';
import { Subscriptions } from '../subscriptions/subscriptions';

/** Options of {@link createHttpFixture}. */
export interface HttpFixtureOptions {
  /**
   * Configures the app before it starts, as `main.ts` does (`applyHttpConventions`,
   * OpenAPI docs): pass the same function, so the tests run the real configuration.
   */
  setUp?: (app: NestExpressApplication) => void | Promise<void>;
  /**
   * Environment variables set while the module boots and put back after (a
   * `DATABASE_URL` of the test's own database, say); `undefined` unsets one.
   */
  env?: Record<string, string | undefined>;
  /** Changes to the testing module before it compiles: `overrideProvider`, `withInMemoryEventStore`. */
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Nest's log levels while it runs. Default: errors and warnings. */
  logLevels?: ('log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal')[];
}

/** An application module booted over HTTP for a test, with what its tests need. */
export interface HttpFixture {
  readonly app: NestExpressApplication;
  /** A supertest agent on the app: `fixture.http().post('/accounts').send({...}).expect(201)`. */
  http: () => ReturnType<typeof request>;
  /** Waits until the named projections and handlers (default: all) have applied everything stored so far. */
  caughtUp: (names?: readonly string[], timeoutMs?: number) => Promise<void>;
  /** Waits until a projection has applied the event at `position` (the position a command answered). */
  applied: (name: string, position: bigint | string, timeoutMs?: number) => Promise<void>;
  /**
   * Checks that a response is an RFC 9457 problem with this status and code, and answers its body.
   * @throws Error naming what the response was instead.
   */
  expectProblem: (response: request.Response, status: number, code: string) => ProblemDetails & Record<string, unknown>;
  /** Closes the app (connections, subscribers, an embedded server it started). */
  close: () => Promise<void>;
}

/**
 * Boots an application module for end-to-end tests over HTTP: a testing module, the
 * app's own set-up, `init` (subscribers start), and a supertest agent, with helpers to
 * wait for projections and to check problem+json answers. Needs `@nestjs/testing`,
 * `@nestjs/platform-express` and `supertest` (dev dependencies of the app).
 * @example
 * const bank = await createHttpFixture(BankModule, { setUp: setUpBankApp, env: { DATABASE_URL: url } });
 * const { body } = await bank.http().post('/accounts').send({ owner: 'Ada' }).expect(201);
 * await bank.applied('bank-accounts', body.position);
 * bank.expectProblem(await bank.http().post(`/accounts/${body.id}/withdrawals`).send({ amount: 5 }), 422, 'ES_DOMAIN_RULE');
 */
export async function createHttpFixture(
  appModule: Type | DynamicModule,
  options: HttpFixtureOptions = {},
): Promise<HttpFixture> {
  const saved = Object.fromEntries(Object.keys(options.env ?? {}).map((name) => [name, process.env[name]]));
  assignEnv(options.env ?? {});
  const agent = loadSupertest();
  let app: NestExpressApplication | undefined;
  try {
    const builder = Test.createTestingModule({ imports: [appModule] });
    const moduleRef = await (options.configure ? options.configure(builder) : builder).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: options.logLevels ?? ['error', 'warn'] });
    await options.setUp?.(app);
    await app.init();
  } catch (error) {
    // A boot that failed half-way must not leave its pool (or an embedded server) open.
    await app?.close().catch(() => undefined);
    throw error;
  } finally {
    assignEnv(saved);
  }
  const started = app;
  const subscriptions = (): Subscriptions => started.get(Subscriptions);
  return {
    app: started,
    http: () => agent(started.getHttpServer()),
    caughtUp: (names, timeoutMs = 10_000) => subscriptions().waitUntilCaughtUp(names, { timeoutMs }),
    applied: (name, position, timeoutMs = 10_000) =>
      subscriptions().waitFor(name, typeof position === 'bigint' ? position : BigInt(position), { timeoutMs }),
    expectProblem: (response, status, code) => {
      const body = response.body as ProblemDetails & Record<string, unknown>;
      const type = String(response.headers['content-type'] ?? '');
      if (response.status !== status || body?.code !== code || !type.startsWith(PROBLEM_CONTENT_TYPE)) {
        throw new Error(
          `Expected a ${status} ${code} problem; got ${response.status} ${type || '(no content type)'}: ${JSON.stringify(body)}`,
        );
      }
      return body;
    },
    close: () => started.close(),
  };
}

/** supertest, an optional peer: required only by this fixture, and named when it is missing. */
function loadSupertest(): typeof request {
  try {
    return createRequire(__filename)('supertest') as typeof request;
  } catch (error) {
    throw new ConfigurationError('createHttpFixture needs supertest: npm install --save-dev supertest.', {
      cause: error,
    });
  }
}

function assignEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
