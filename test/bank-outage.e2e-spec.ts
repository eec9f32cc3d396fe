import { Client } from 'pg';
import { startBankApp, type BankTestApp } from './support/bank-app';
import { serverUrl } from './support/test-database';

describe('bank app while PostgreSQL refuses connections', () => {
  let bank: BankTestApp;
  let admin: Client;

  beforeAll(async () => {
    bank = await startBankApp('bank_outage');
    admin = new Client({ connectionString: serverUrl('postgres') });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await bank?.close();
  });

  it('answers commands with 503 DATABASE_UNAVAILABLE and serves again once it is back, without a restart', async () => {
    const id = await bank.openAccount('Ada', 100);
    const dbName = new URL(bank.database.url).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
      const down = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 5 }).expect(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
      expect(JSON.stringify(down.body)).not.toContain(dbName);
      await bank.http().post('/accounts').send({ owner: 'Bob' }).expect(503);
    } finally {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    }
    const up = await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 5 }).expect(200);
    expect(up.body.balance).toBe(105);
  });
});
