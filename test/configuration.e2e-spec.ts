import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtApp, runUntilExit } from './support/app-process';

// A bad environment stops an app before anything starts: one line on stderr naming the
// variable and what it must be, exit code 1, no database opened, no port taken.
describe.each(['bank', 'todo'] as const)('%s app: environment validated at boot', (app) => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), `env-${app}-`));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const start = (env: Record<string, string>) =>
    runUntilExit(
      builtApp(app),
      { PATH: process.env.PATH, EMBEDDED_PG_DIR: join(folder, 'data'), ...env },
      {
        inheritEnv: false,
      },
    );

  it.each([
    [
      'PORT=abc',
      { PORT: 'abc' },
      /^ES_CONFIGURATION: Invalid environment: PORT must be a whole number .* \(got "abc"\)/,
    ],
    ['PORT=70000', { PORT: '70000' }, /PORT must be a whole number in decimal digits from 0 to 65535/],
    [
      'a DATABASE_URL that is no URL',
      { DATABASE_URL: 'localhost:5432/bank' },
      /DATABASE_URL must be a PostgreSQL URL such as postgres:\/\/user:password@host:5432\/database \(got "localhost:5432\/bank"\)/,
    ],
    ['LOG_FORMAT=xml', { LOG_FORMAT: 'xml' }, /LOG_FORMAT must be json or pretty/],
  ])('refuses %s with one line, before the database is opened', async (_title, env, message) => {
    const { code, stderr, stdout } = await start(env);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(stdout).toBe('');
    expect(existsSync(join(folder, 'data'))).toBe(false);
  });

  it('hides the password of a DATABASE_URL it refuses', async () => {
    // A password may hold '/' and '@': everything up to the last '@' is hidden.
    const { stderr } = await start({ DATABASE_URL: 'mysql://admin:s3/cr@t@db:3306/bank' });
    expect(stderr).toContain('mysql://admin:***@db:3306/bank');
    expect(stderr).not.toMatch(/s3|cr@t/);
  });
});

describe('bank app: broker variables validated at boot', () => {
  it.each([
    ['a NATS_URL that is no NATS URL', { NATS_URL: 'http://127.0.0.1:4222' }, /NATS_URL must be a URL such as nats:/],
    ['an AMQP_URL that is no AMQP URL', { AMQP_URL: 'rabbit:5672' }, /AMQP_URL must be a URL such as amqp:/],
    ['a stream name with a dot', { BANK_EVENTS_STREAM: 'BANK.EVENTS' }, /BANK_EVENTS_STREAM must be 1 to 64/],
    [
      'a subject with a wildcard',
      { BANK_INBOUND_SUBJECT: 'bank-inbound.*' },
      /BANK_INBOUND_SUBJECT must be dot-separated/,
    ],
  ])('refuses %s with one line', async (_title, env, message) => {
    const folder = mkdtempSync(join(tmpdir(), 'env-bank-brokers-'));
    try {
      const { code, stderr } = await runUntilExit(
        builtApp('bank'),
        { PATH: process.env.PATH, EMBEDDED_PG_DIR: join(folder, 'data'), ...env },
        { inheritEnv: false },
      );
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(existsSync(join(folder, 'data'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
