import { builtApp, startAppProcess, waitForCondition, type AppProcess } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// The bank as `npm start` runs it with OTEL_TRACES_EXPORTER=console: its tracing set-up
// registers an SDK before the app starts, and the library's spans reach it.
describe('bank app: spans on the console with OTEL_TRACES_EXPORTER=console', () => {
  let database: TestDatabase;
  let bank: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'bank_console_tracing');
    bank = await startAppProcess(builtApp('bank'), { DATABASE_URL: database.url, OTEL_TRACES_EXPORTER: 'console' });
  });
  afterAll(async () => {
    await bank?.stop('SIGTERM');
    await database?.drop();
  });

  it('prints the request, command, append and projection spans of opening an account, in one trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const opened = await fetch(`http://127.0.0.1:${bank.port}/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ owner: 'Ada', initialDeposit: 100 }),
    });
    expect(opened.status).toBe(201);
    // The projection's span ends a moment later, from the store (later on a busy server).
    await waitForCondition(async () => bank.output().includes(`name: 'projection bank-accounts'`), 30_000);
    const output = bank.output();
    for (const name of ['POST /accounts', 'OpenAccount', 'append account']) expect(output).toContain(`name: '${name}'`);
    expect(output.split(`traceId: '${traceId}'`).length - 1).toBeGreaterThanOrEqual(4);
  });
});
