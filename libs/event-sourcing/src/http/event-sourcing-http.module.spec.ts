import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Param,
  Post,
  UseInterceptors,
  type INestApplication,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { IsInt, IsPositive } from 'class-validator';
import request from 'supertest';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { ConcurrencyError } from '../errors/concurrency-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { AdminOnly } from './admin-only.decorator';
import { applyHttpConventions } from './apply-http-conventions';
import { EventSourcingHttpModule } from './event-sourcing-http.module';
import { IfMatch } from './if-match.decorator';
import { VersionETagInterceptor } from './version-etag.interceptor';

class AddDto {
  @IsInt()
  @IsPositive()
  amount!: number;
}

/** A counter kept in the controller: enough to see what ran, and how often. */
@Controller()
@UseInterceptors(VersionETagInterceptor)
class TestController {
  version = 0;
  total = 0;
  runs = 0;
  gate: Promise<void> = Promise.resolve();

  @Post('counter')
  async add(@Body() body: AddDto, @IfMatch() expected?: number): Promise<{ version: number; total: number }> {
    this.runs++;
    await this.gate;
    if (expected !== undefined && expected !== this.version)
      throw new ConcurrencyError('c', expected, this.version, false);
    this.total += body.amount;
    return { version: ++this.version, total: this.total };
  }

  @Post('things/:id/poke')
  @HttpCode(200)
  poke(@Param('id') id: string): never {
    throw new AggregateNotFoundError('Thing', id);
  }

  @Post('crash')
  crash(): never {
    throw new Error('password=hunter2 in SELECT');
  }

  @Get('admin/secrets')
  @AdminOnly()
  secrets(): { ok: true } {
    return { ok: true };
  }
}

async function start(adminToken?: string): Promise<{ app: INestApplication; controller: TestController }> {
  @Module({
    imports: [EventSourcingModule.forRoot({ database: 'memory' }), EventSourcingHttpModule.forRoot({ adminToken })],
    controllers: [TestController],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  applyHttpConventions(app, { bodyLimit: 1024 });
  await app.init();
  return { app, controller: app.get(TestController) };
}

describe('EventSourcingHttpModule', () => {
  let app: INestApplication;
  let controller: TestController;

  beforeAll(async () => {
    ({ app, controller } = await start('s3cret'));
  });
  afterAll(() => app.close());

  const post = (path: string) => request(app.getHttpServer()).post(path);

  describe('problem details', () => {
    it('answers a library error as application/problem+json with every standard member and the correlation id', async () => {
      const response = await post('/things/t-1/poke').set('X-Correlation-Id', 'corr-1').expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      // No Express body-hash ETag to be mistaken for a version, no X-Powered-By.
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.body).toEqual({
        type: 'urn:problem-type:es-aggregate-not-found',
        title: 'Not found',
        status: 404,
        detail: expect.stringContaining('No Thing with id "t-1"'),
        code: 'ES_AGGREGATE_NOT_FOUND',
        instance: '/things/t-1/poke',
        correlationId: 'corr-1',
      });
    });

    it('answers malformed JSON with 400 MALFORMED_JSON and a correlation id, though no middleware ran', async () => {
      const response = await post('/counter').set('Content-Type', 'application/json').send('{"amount": 1').expect(400);
      expect(response.body).toMatchObject({ code: 'MALFORMED_JSON', status: 400, instance: '/counter' });
      expect(response.body.correlationId).toBe(response.headers['x-correlation-id']);
    });

    it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const response = await post('/counter')
        .send({ amount: 1, padding: 'x'.repeat(2000) })
        .expect(413);
      expect(response.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', detail: expect.stringContaining('1024 bytes') });
    });

    it('answers validation failures with 400 VALIDATION_FAILED listing each field', async () => {
      const response = await post('/counter').send({ amount: -1.5, extra: true }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'amount', pointer: '#/amount', detail: 'amount must be an integer number' },
          { field: 'amount', pointer: '#/amount', detail: 'amount must be a positive number' },
          { field: 'extra', pointer: '#/extra', detail: 'property extra should not exist' },
        ]),
      );
    });

    it('answers an unknown route with 404 NOT_FOUND', async () => {
      const response = await request(app.getHttpServer()).get('/nowhere').expect(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND', instance: '/nowhere' });
    });

    it('answers an unexpected error with 500 and nothing of its message', async () => {
      const response = await post('/crash').expect(500);
      expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
      expect(JSON.stringify(response.body)).not.toContain('hunter2');
    });
  });

  describe('ETag and If-Match', () => {
    it('sets the ETag from the answered version, and answers 412 with the current ETag when If-Match differs', async () => {
      const first = await post('/counter').send({ amount: 1 }).expect(201);
      expect(first.headers.etag).toBe(`"${first.body.version}"`);
      await post('/counter').set('If-Match', first.headers.etag!).send({ amount: 1 }).expect(201);
      const stale = await post('/counter').set('If-Match', first.headers.etag!).send({ amount: 1 }).expect(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', expectedVersion: first.body.version });
      expect(stale.headers.etag).toBe(`"${first.body.version + 1}"`);
    });

    it('answers a malformed If-Match with 400 INVALID_IF_MATCH', async () => {
      const response = await post('/counter').set('If-Match', 'W/"1"').send({ amount: 1 }).expect(400);
      expect(response.body.code).toBe('INVALID_IF_MATCH');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response to a repeat, with its status and headers, and runs nothing again', async () => {
      const runs = controller.runs;
      const first = await post('/counter').set('Idempotency-Key', 'k-replay').send({ amount: 5 }).expect(201);
      const again = await post('/counter').set('Idempotency-Key', 'k-replay').send({ amount: 5 }).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(controller.runs).toBe(runs + 1);
    });

    it('answers the same key with another body with 422 IDEMPOTENCY_KEY_REUSED', async () => {
      await post('/counter').set('Idempotency-Key', 'k-reuse').send({ amount: 5 }).expect(201);
      const response = await post('/counter').set('Idempotency-Key', 'k-reuse').send({ amount: 6 }).expect(422);
      expect(response.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('answers a repeat while the first still runs with 409 IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
      let open!: () => void;
      controller.gate = new Promise((resolve) => (open = resolve));
      const runs = controller.runs;
      const first = post('/counter')
        .set('Idempotency-Key', 'k-busy')
        .send({ amount: 1 })
        .then((r) => r);
      await waitUntil(() => controller.runs > runs);
      const second = await post('/counter').set('Idempotency-Key', 'k-busy').send({ amount: 1 }).expect(409);
      expect(second.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      expect(second.headers['retry-after']).toBe('1');
      open();
      expect((await first).status).toBe(201);
      expect(controller.runs).toBe(runs + 1);
    });

    it('frees the key of a failed request for a corrected one', async () => {
      await post('/counter').set('Idempotency-Key', 'k-fix').send({ amount: 'five' }).expect(400);
      await post('/counter').set('Idempotency-Key', 'k-fix').send({ amount: 5 }).expect(201);
    });

    it('answers a malformed key with 400 INVALID_IDEMPOTENCY_KEY', async () => {
      const response = await post('/counter').set('Idempotency-Key', 'x'.repeat(256)).send({ amount: 1 }).expect(400);
      expect(response.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    });
  });

  describe('admin routes', () => {
    it('answer 401 without the token, or with another, and 200 with it', async () => {
      const missing = await request(app.getHttpServer()).get('/admin/secrets').expect(401);
      expect(missing.body.code).toBe('UNAUTHORIZED');
      expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
      await request(app.getHttpServer()).get('/admin/secrets').set('Authorization', 'Bearer s3cre').expect(401);
      await request(app.getHttpServer()).get('/admin/secrets').set('Authorization', 'Basic s3cret').expect(401);
      await request(app.getHttpServer()).get('/admin/secrets').set('Authorization', 'Bearer s3cret').expect(200);
    });

    it('answer 404, as if absent, when no admin token is configured', async () => {
      const { app: closed } = await start(undefined);
      try {
        const response = await request(closed.getHttpServer())
          .get('/admin/secrets')
          .set('Authorization', 'Bearer anything')
          .expect(404);
        expect(response.body.code).toBe('NOT_FOUND');
      } finally {
        await closed.close();
      }
    });
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
