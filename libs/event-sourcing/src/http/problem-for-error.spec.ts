import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { WaitTimeoutError } from '../errors/wait-timeout-error';
import { TenantResetMissingError } from '../errors/tenant-reset-missing-error';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { UnknownSubscriberError } from '../errors/unknown-subscriber-error';
import { ConcurrencyError } from '../errors/concurrency-error';
import { ConfigurationError } from '../errors/configuration-error';
import { DomainError } from '../errors/domain-error';
import { DuplicateEventIdError } from '../errors/duplicate-event-id-error';
import { EventTooLargeError } from '../errors/event-too-large-error';
import { InvalidEventError } from '../errors/invalid-event-error';
import { InvalidExpectedVersionError } from '../errors/invalid-expected-version-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import { UpcastError } from '../errors/upcast-error';
import { problemForError } from './problem-for-error';
import { ProblemException } from './problem.exception';

class OverdraftError extends DomainError {
  constructor() {
    super('overdraft', 'Balance 5 is less than 7.');
  }
}

describe('problemForError', () => {
  it.each<[string, unknown, number, string]>([
    ['an invalid stream id', new InvalidStreamIdError('', 'empty'), 400, 'ES_INVALID_STREAM_ID'],
    ['an invalid event', new InvalidEventError(0, 'no type'), 400, 'ES_INVALID_EVENT'],
    ['an event over the size limit', new EventTooLargeError(0, 2000, 1000), 400, 'ES_EVENT_TOO_LARGE'],
    ['an invalid expected version', new InvalidExpectedVersionError(-1), 400, 'ES_INVALID_EXPECTED_VERSION'],
    ['an invalid query', new InvalidQueryError('since', 'soon', 'give a duration'), 400, 'ES_INVALID_QUERY'],
    ['an unknown aggregate', new AggregateNotFoundError('BankAccount', 'a-1'), 404, 'ES_AGGREGATE_NOT_FOUND'],
    ['a conflict the retries did not resolve', new ConcurrencyError('account-a', 3, 4), 409, 'ES_CONCURRENCY'],
    ['a conflict with an If-Match version', new ConcurrencyError('account-a', 3, 4, false), 412, 'PRECONDITION_FAILED'],
    ['a duplicate event id', new DuplicateEventIdError('s', 'e'), 409, 'ES_DUPLICATE_EVENT_ID'],
    ['a broken business rule', new OverdraftError(), 422, 'ES_DOMAIN_RULE'],
    ['a read model not caught up in time', new WaitTimeoutError('accounts', 5n, 100), 503, 'ES_WAIT_TIMEOUT'],
    ['an unknown subscriber', new UnknownSubscriberError('nope', []), 404, 'ES_UNKNOWN_SUBSCRIBER'],
    ['a rebuild of a saga', new UnsupportedOperationError('sagas are not rebuilt'), 422, 'ES_UNSUPPORTED_OPERATION'],
    [
      'a per-tenant rebuild of a projection without resetTenant',
      new TenantResetMissingError('accounts', 'AccountsProjection'),
      422,
      'ES_TENANT_RESET_MISSING',
    ],
    ['a Nest 404', new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    ['a Nest 413', new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    ['an HttpException of an unusual status', new HttpException('teapot', 418), 418, 'HTTP_418'],
    [
      'a problem exception',
      new ProblemException(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'wait'),
      409,
      'IDEMPOTENCY_KEY_IN_PROGRESS',
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      503,
      'DATABASE_UNAVAILABLE',
    ],
    ['a configuration error', new ConfigurationError('bad'), 500, 'INTERNAL_ERROR'],
    ['an upcast failure', new UpcastError('e', 't', 1, 'boom'), 500, 'INTERNAL_ERROR'],
    ['a plain error', new Error('SELECT secret FROM passwords'), 500, 'INTERNAL_ERROR'],
    ['a thrown string', 'oops', 500, 'INTERNAL_ERROR'],
  ])('answers %s with %i %s', (_name, error, status, code) => {
    expect(problemForError(error)).toMatchObject({ status, code });
  });

  it('keeps internals of unexpected errors out of the detail, and asks for them to be logged', () => {
    const problem = problemForError(new Error('SELECT secret FROM passwords'));
    expect(problem.detail).not.toContain('secret');
    expect(problem.log).toBe('error');
  });

  it("names the business rule and the domain error's message", () => {
    expect(problemForError(new OverdraftError())).toMatchObject({
      detail: 'Balance 5 is less than 7.',
      extensions: { rule: 'overdraft' },
      title: 'Business rule violated',
    });
  });

  it('tells expected and actual versions on a failed If-Match, with the current ETag', () => {
    expect(problemForError(new ConcurrencyError('account-a', 3, 4, false))).toMatchObject({
      extensions: { expectedVersion: 3, actualVersion: 4 },
      headers: { ETag: '"4"' },
    });
  });

  it("lists a default ValidationPipe's messages as field problems", () => {
    const error = new BadRequestException(['amount must be an integer number', 'property x should not exist']);
    expect(problemForError(error)).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      extensions: {
        errors: [
          { field: 'amount', pointer: '#/amount', detail: 'amount must be an integer number' },
          { field: 'property', pointer: '#/property', detail: 'property x should not exist' },
        ],
      },
    });
  });

  it('tells a malformed JSON body by the body parser error it wraps', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token } in JSON'), { type: 'entity.parse.failed' });
    const error = new BadRequestException(parserError.message, { cause: parserError });
    expect(problemForError(error)).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('keeps a body of its own shape, such as a terminus health report, as the answer', () => {
    const report = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: {} };
    expect(problemForError(new ServiceUnavailableException(report))).toMatchObject({ status: 503, ownBody: report });
    expect(problemForError(new NotFoundException('Cannot GET /x')).ownBody).toBeUndefined();
  });

  it('answers an outage with Retry-After, logged as a warning', () => {
    const error = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(problemForError(error)).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, log: 'warn' });
  });
});
