import { Writable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  Logger,
  Module,
  Post,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { EventSourcingModule } from '../event-sourcing.module';
import { MessageContext } from '../events/message-context';
import { CorrelationIdMiddleware } from '../http/correlation-id.middleware';
import { EventSourcingLoggerModule, useRequestLogger } from './event-sourcing-logger.module';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { startInMemoryTelemetry } from '../../../../test/support/in-memory-telemetry';
import { logDestination, requestLogOptions, resolveFormat } from './request-log-options';

/** Collects the JSON lines pino writes. */
class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

@Controller()
class PingController {
  private readonly logger = new Logger('Ping');
  constructor(private readonly messages: MessageContext) {}

  @Post('ping')
  ping(@Body() _body: unknown): { ok: true } {
    this.logger.log('pinged');
    return { ok: true };
  }

  @Get('fail')
  fail(): never {
    throw new Error('boom');
  }

  @Get('health')
  health(): string {
    return 'up';
  }

  /** As a subscriber does: log while handling an event, outside any request. */
  handleEvent(): void {
    this.messages.run({ correlationId: 'from-event', causationId: 'event-7' }, () => this.logger.log('handled'));
  }
}

describe('EventSourcingLoggerModule', () => {
  let app: INestApplication;
  let out: Lines;

  beforeAll(async () => {
    out = new Lines();
    @Module({
      imports: [
        EventSourcingModule.forRoot({ database: 'memory' }),
        EventSourcingLoggerModule.forRoot({ level: 'debug', destination: out }),
      ],
      controllers: [PingController],
    })
    class AppModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer.apply(CorrelationIdMiddleware).forRoutes('*');
      }
    }
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    useRequestLogger(app);
    await app.init();
  });
  afterAll(() => app?.close());

  const linesOf = (correlationId: string) => out.lines.filter((line) => line.correlationId === correlationId);

  it('writes one request line and the handler lines, each with the correlation id the response echoes', async () => {
    const response = await request(app.getHttpServer())
      .post('/ping?owner=Ada%20Lovelace')
      .set('Authorization', 'Bearer secret-token')
      .send({ owner: 'Ada Lovelace' })
      .expect(201);
    const id = response.headers['x-correlation-id'] as string;
    const lines = linesOf(id);
    expect(lines.map((line) => line.msg)).toEqual(['pinged', 'POST /ping 201']);
    expect(lines[0]).toMatchObject({ level: 'info', context: 'Ping' });
    expect(lines[1]).toMatchObject({
      level: 'info',
      req: { method: 'POST', path: '/ping' },
      res: { statusCode: 201 },
      durationMs: expect.any(Number),
    });
    // No header, query string or body: they hold tokens and personal data.
    const written = JSON.stringify(out.lines);
    expect(written).not.toContain('secret-token');
    expect(written).not.toContain('Ada');
    // Each key once per line: the correlation id is not repeated by the mixin.
    expect(JSON.stringify(lines[0]).match(/correlationId/g)).toHaveLength(1);
  });

  it("keeps the caller's correlation id, and logs a failed request as an error", async () => {
    await request(app.getHttpServer()).get('/fail').set('X-Correlation-Id', 'caller-42').expect(500);
    expect(linesOf('caller-42').at(-1)).toMatchObject({ level: 'error', res: { statusCode: 500 } });
  });

  it('writes no request line for a quiet path', async () => {
    await request(app.getHttpServer()).get('/health').set('X-Correlation-Id', 'probe-1').expect(200);
    expect(linesOf('probe-1')).toEqual([]);
  });

  it('gives lines logged outside requests the current correlation and causation ids', () => {
    app.get(PingController).handleEvent();
    expect(linesOf('from-event')).toEqual([expect.objectContaining({ msg: 'handled', causationId: 'event-7' })]);
  });
});

describe('log format', () => {
  it('is JSON in production and pretty elsewhere unless asked', () => {
    expect(resolveFormat(undefined, { NODE_ENV: 'production' })).toBe('json');
    expect(resolveFormat(undefined, {})).toBe('pretty');
    expect(resolveFormat('json', {})).toBe('json');
  });

  it('falls back to JSON, with a warning, when pino-pretty is not installed', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const missing = (() => {
      throw new Error('Cannot find module');
    }) as unknown as NodeJS.Require;
    expect(logDestination('pretty', missing)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('pino-pretty'));
    warn.mockRestore();
    expect(logDestination('pretty')).toBeDefined();
  });
});

describe('log lines in a trace', () => {
  it('carry the trace and span ids of the active span when OpenTelemetry records, and none otherwise', async () => {
    const out = new Lines();
    const logger = pino(requestLogOptions(new MessageContext(), {}), out);
    logger.info('before');
    const telemetry = startInMemoryTelemetry();
    try {
      const ids = trace.getTracer('spec').startActiveSpan('work', (span) => {
        logger.info('inside');
        span.end();
        return span.spanContext();
      });
      expect(out.lines.find((line) => line.msg === 'inside')).toMatchObject({
        traceId: ids.traceId,
        spanId: ids.spanId,
      });
    } finally {
      await telemetry.shutdown();
    }
    expect(out.lines.find((line) => line.msg === 'before')).not.toHaveProperty('traceId');
  });
});
