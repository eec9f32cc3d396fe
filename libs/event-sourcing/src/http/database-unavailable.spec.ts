import { isDatabaseUnavailable } from './database-unavailable';

const pgError = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each<[string, unknown]>([
    ['a refused connection', pgError('ECONNREFUSED')],
    ['a reset connection', pgError('ECONNRESET')],
    ['a session terminated by a restart', pgError('57P01')],
    ['a server starting up', pgError('57P03')],
    ['a connection exception', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['a database closed to connections', pgError('55000', 'database "x" is not currently accepting connections')],
    ['a lost connection, told by message only', new Error('Connection terminated unexpectedly')],
    [
      'a client that is no longer queryable',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'a TypeORM QueryFailedError around a dropped session',
      Object.assign(new Error('q'), { driverError: pgError('57P01') }),
    ],
    ['an error caused by a refused connection', new Error('wrapped', { cause: pgError('ECONNREFUSED') })],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a unique violation', pgError('23505')],
    ['another 55000 error', pgError('55000', 'cannot refresh materialized view concurrently')],
    ['a syntax error', pgError('42601')],
    ['a plain error', new Error('boom')],
    ['a non-error', 'ECONNREFUSED'],
    ['null', null],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
