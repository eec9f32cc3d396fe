import { Body, Controller, Get, Module, Param, Post, Query, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import request from 'supertest';
import { EventSourcingModule } from '../event-sourcing.module';
import { applyHttpConventions } from './apply-http-conventions';
import { EventSourcingHttpModule } from './event-sourcing-http.module';
import { IntegerParam } from './integer-param.decorator';
import { PositionParam } from './position-param.decorator';

class Inner {
  @IsOptional()
  @IsString()
  text?: string;
}

class NoteDto {
  @IsString()
  title!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;

  // Anything goes below it: the depth cap, not a DTO, must stop deep input.
  @IsOptional()
  extra?: unknown;
}

class PageQuery {
  @IsOptional()
  @IntegerParam({ min: 1, max: 100 })
  limit?: number;

  @IsOptional()
  @IntegerParam({ min: 1 })
  before?: number;

  @IsOptional()
  @PositionParam()
  minPosition?: bigint;

  @IsOptional()
  @IsString()
  type?: string;
}

/** Records what reached the handlers: nothing may, for refused input. */
@Controller()
class NotesController {
  readonly received: unknown[] = [];

  @Post('notes')
  add(@Body() body: NoteDto): { ok: true } {
    this.received.push(body);
    return { ok: true };
  }

  @Get('notes/:id')
  one(@Param('id') id: string): { id: string } {
    this.received.push(id);
    return { id };
  }

  @Get('notes')
  page(@Query() query: PageQuery): { limit: number | null; before: number | null; minPosition: string | null } {
    this.received.push(query);
    return {
      limit: query.limit ?? null,
      before: query.before ?? null,
      minPosition: query.minPosition?.toString() ?? null,
    };
  }
}

let app: INestApplication;
let controller: NotesController;

beforeAll(async () => {
  @Module({
    imports: [EventSourcingModule.forRoot({ database: 'memory' }), EventSourcingHttpModule.forRoot({})],
    controllers: [NotesController],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  applyHttpConventions(app as NestExpressApplication);
  await app.init();
  controller = app.get(NotesController);
});

afterAll(() => app.close());
beforeEach(() => controller.received.splice(0));

function nested(depth: number): string {
  return `{"title":"t","extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

async function expectProblem(response: request.Response, status: number, code: string): Promise<void> {
  expect({ status: response.status, code: (response.body as { code?: string }).code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(controller.received).toEqual([]);
}

describe('request bodies', () => {
  it('accepts a body nested 32 levels deep', async () => {
    await request(app.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/json')
      .send(nested(31))
      .expect(201);
  });

  it.each([33, 10_000])('refuses a body nested %i levels deep with 400 JSON_TOO_DEEP', async (depth) => {
    const response = await request(app.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/json')
      .send(nested(depth));
    await expectProblem(response, 400, 'JSON_TOO_DEEP');
    expect((response.body as { detail: string }).detail).toContain('more than 32 levels');
  });

  it.each([
    ['__proto__ at the top', '{"title":"t","__proto__":{"admin":true}}'],
    ['constructor below', '{"title":"t","inner":{"constructor":{"prototype":{"x":1}}}}'],
    ['prototype in an array', '{"title":"t","extra":[{"prototype":1}]}'],
    ['an escaped __proto__', '{"title":"t","\\u005f_proto__":{}}'],
    ['a key that names an Object.prototype member', '{"title":"t","toString":"x"}'],
    ['hasOwnProperty below', '{"title":"t","inner":{"hasOwnProperty":1}}'],
  ])('refuses %s with 400 FORBIDDEN_JSON_KEY', async (_title, body) => {
    const response = await request(app.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/json')
      .send(body);
    await expectProblem(response, 400, 'FORBIDDEN_JSON_KEY');
  });

  it.each([
    ['a NUL in a value', '{"title":"a\\u0000b"}', 'title'],
    ['a lone surrogate below', '{"title":"t","inner":{"text":"\\ud800"}}', 'inner.text'],
    ['a NUL in a key', '{"title":"t","extra":{"k\\u0000":1}}', 'extra.k\u0000'],
  ])('refuses %s with 400 INVALID_TEXT naming the field', async (_title, body, field) => {
    const response = await request(app.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/json')
      .send(body);
    await expectProblem(response, 400, 'INVALID_TEXT');
    expect((response.body as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
  });

  it.each([
    ['form-encoded', 'application/x-www-form-urlencoded', 'title=t'],
    ['text', 'text/plain', '{"title":"t"}'],
    ['XML', 'application/xml', '<title>t</title>'],
  ])('refuses a %s body with 415 UNSUPPORTED_MEDIA_TYPE', async (_title, type, body) => {
    const response = await request(app.getHttpServer()).post('/notes').set('Content-Type', type).send(body);
    await expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('reads a +json media type as JSON', async () => {
    await request(app.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/merge-patch+json')
      .send('{"title":"t"}')
      .expect(201);
    expect(controller.received).toEqual([{ title: 't' }]);
  });
});

describe('query and path parameters', () => {
  it.each([
    ['a NUL in a path parameter', '/notes/a%00b', 'id'],
    ['a NUL in a query parameter', '/notes?type=%00', 'type'],
  ])('refuses %s with 400 INVALID_TEXT', async (_title, path, field) => {
    const response = await request(app.getHttpServer()).get(path);
    await expectProblem(response, 400, 'INVALID_TEXT');
    expect((response.body as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
  });

  it('reads decimal integers and positions at the edges of their columns', async () => {
    const response = await request(app.getHttpServer())
      .get('/notes?limit=100&before=2147483647&minPosition=9223372036854775807')
      .expect(200);
    expect(response.body).toEqual({ limit: 100, before: 2147483647, minPosition: '9223372036854775807' });
  });

  it.each([
    ['a hexadecimal limit', 'limit=0x10'],
    ['an exponent', 'limit=1e1'],
    ['a decimal point', 'limit=10.0'],
    ['an empty limit', 'limit='],
    ['a repeated limit', 'limit=1&limit=2'],
    ['a limit past its maximum', 'limit=101'],
    ['a version past the integer column', 'before=2147483648'],
    ['a version of twenty digits', 'before=99999999999999999999'],
    ['a position past the bigint column', 'minPosition=9223372036854775808'],
    ['a position of nineteen nines', 'minPosition=9999999999999999999'],
    ['a position of zero', 'minPosition=0'],
    ['a negative position', 'minPosition=-1'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_title, query) => {
    const response = await request(app.getHttpServer()).get(`/notes?${query}`);
    await expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});

describe("with acceptBodies: 'any'", () => {
  let formApp: INestApplication;
  beforeAll(async () => {
    @Module({
      imports: [EventSourcingModule.forRoot({ database: 'memory' }), EventSourcingHttpModule.forRoot({})],
      controllers: [NotesController],
    })
    class FormModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FormModule] }).compile();
    formApp = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    applyHttpConventions(formApp as NestExpressApplication, { acceptBodies: 'any' });
    await formApp.init();
  });
  afterAll(() => formApp.close());

  it('checks form bodies as it checks JSON ones: a NUL answers 400 INVALID_TEXT and reaches no handler', async () => {
    const notes = formApp.get(NotesController);
    const response = await request(formApp.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('title=a%00b');
    expect({ status: response.status, code: (response.body as { code?: string }).code }).toEqual({
      status: 400,
      code: 'INVALID_TEXT',
    });
    expect(notes.received).toEqual([]);
    await request(formApp.getHttpServer())
      .post('/notes')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('title=ok')
      .expect(201);
  });
});
