import { Controller, Get, Module, NotFoundException } from '@nestjs/common';
import { EventSourcingModule } from '../event-sourcing.module';
import { applyHttpConventions } from '../http/apply-http-conventions';
import { EventSourcingHttpModule } from '../http/event-sourcing-http.module';
import { createHttpFixture, type HttpFixture } from './http-fixture';

@Controller()
class PingController {
  @Get('ping')
  ping(): { pong: string | null } {
    return { pong: process.env.PING_REPLY ?? null };
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('Nothing here.');
  }
}

@Module({
  imports: [EventSourcingModule.forRoot({ database: 'memory' }), EventSourcingHttpModule.forRoot()],
  controllers: [PingController],
})
class PingModule {}

describe('createHttpFixture', () => {
  let fixture: HttpFixture;
  beforeAll(async () => {
    fixture = await createHttpFixture(PingModule, { setUp: applyHttpConventions, env: { PING_REPLY: 'boot' } });
  });
  afterAll(() => fixture.close());

  it('boots the module over HTTP with its set-up, and puts the environment back after the boot', async () => {
    expect(process.env.PING_REPLY).toBeUndefined();
    await fixture.http().get('/ping').expect(200, { pong: null });
  });

  it('answers the body of an expected problem, and says what came instead of one', async () => {
    const body = fixture.expectProblem(await fixture.http().get('/missing'), 404, 'NOT_FOUND');
    expect(body.detail).toBe('Nothing here.');
    const ok = await fixture.http().get('/ping');
    expect(() => fixture.expectProblem(ok, 404, 'NOT_FOUND')).toThrow(
      /Expected a 404 NOT_FOUND problem; got 200 application\/json.*"pong":null/,
    );
  });
});
