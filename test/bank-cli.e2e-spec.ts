import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventStore } from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import { waitForCondition } from './support/app-process';
import { startBankApp, type BankTestApp } from './support/bank-app';

// The bank's operator CLI, run as `npm run cli` runs it: the built JS in a child process,
// against the test database the bank app (in this process) writes to.
const cli = resolve(__dirname, '../dist/apps/bank/src/cli.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('bank CLI', () => {
  let bank: BankTestApp;
  let ada: string;

  const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [cli, ...args],
        { env: { ...process.env, DATABASE_URL: bank.database.url, ...env }, timeout: 60_000 },
        (error, stdout, stderr) =>
          done({ code: error ? ((error.code as number | undefined) ?? null) : 0, stdout, stderr }),
      );
    });
  const json = async (args: string[]): Promise<unknown> => {
    const ran = await run([...args, '--json']);
    expect([ran.code, ran.stderr]).toEqual([0, '']);
    return JSON.parse(ran.stdout);
  };

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does).`);
    bank = await startBankApp('bank_cli');
    ada = await bank.openAccount('Ada', 100);
    await bank.http().post(`/accounts/${ada}/deposits`).send({ amount: 5 }).expect(200);
  });
  afterAll(() => bank?.close());

  it('queries events by type, stream and duration, newest or oldest first, as JSON or a table', async () => {
    const events = (await json([
      'events',
      'query',
      '--stream',
      `account-${ada}`,
      '--type',
      'bank.money-deposited',
      '--type',
      'bank.account-opened',
      '--since',
      '3 days',
      '--order',
      'oldest',
      '--limit',
      '2',
    ])) as { type: string; version: number; position: string }[];
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['bank.account-opened', 1],
      ['bank.money-deposited', 2],
    ]);
    expect(events[0]!.position).toMatch(/^\d+$/);
    const table = await run(['events', 'query', '--stream-type', 'account']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^POSITION +STREAM@VERSION +TYPE +CREATED +DATA$/);
    expect(table.stdout).toContain(`account-${ada}@3`);
  });

  it("filters events by tenant with --tenant, as GET /events?tenantId= does, and shows every tenant's without it", async () => {
    // The bank runs without tenancy: events that name a tenant in their metadata stand in for a tenanted app's.
    const store = bank.app.get(EventStore);
    const streamType = `cli-tenants-${Date.now()}`;
    for (const tenantId of ['acme', 'globex', 'acme']) {
      await store.append(
        `${streamType}-${tenantId}`,
        [{ type: 'cli.noted', data: { tenantId }, metadata: { tenantId } }],
        {
          streamType,
        },
      );
    }
    type Listed = { streamId: string; metadata: { tenantId?: string } }[];
    const acme = (await json(['events', 'query', '--stream-type', streamType, '--tenant', 'acme'])) as Listed;
    expect(acme.map((e) => [e.streamId, e.metadata.tenantId])).toEqual([
      [`${streamType}-acme`, 'acme'],
      [`${streamType}-acme`, 'acme'],
    ]);
    const all = (await json(['events', 'query', '--stream-type', streamType])) as Listed;
    expect(all.map((e) => e.metadata.tenantId).sort()).toEqual(['acme', 'acme', 'globex']);
    expect(await json(['events', 'query', '--stream-type', streamType, '--tenant', 'initech'])).toEqual([]);
    const table = await run(['events', 'query', '--stream-type', streamType, '--tenant', 'globex']);
    expect(table.stdout).toContain(`${streamType}-globex@1`);
    expect(table.stdout).not.toContain(`${streamType}-acme`);
  });

  it('shows a stream, and fails with 1 for one never written', async () => {
    expect(await json(['streams', 'show', `account-${ada}`])).toMatchObject({
      streamType: 'account',
      version: 3,
      deleted: false,
      snapshot: null,
    });
    const missing = await run(['streams', 'show', 'account-nobody']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('No stream "account-nobody"')]);
  });

  it('parks a failing event, lists it, and retries it once the cause is gone', async () => {
    const dataSource = bank.app.get(DataSource);
    // The read model refuses balances of 1000 or more: the projection fails on it, and parks it.
    await dataSource.query('ALTER TABLE bank_account_views ADD CONSTRAINT cli_test_cap CHECK (balance < 1000)');
    await bank.http().post(`/accounts/${ada}/deposits`).send({ amount: 2000 }).expect(200);
    let parked: { subscriber: string; eventId: string; type: string }[] = [];
    await waitForCondition(async () => {
      parked = (await json(['parked', 'list'])) as typeof parked;
      return parked.length === 1;
    }, 30_000);
    expect(parked[0]).toMatchObject({ subscriber: 'bank-accounts', type: 'bank.money-deposited' });
    const listed = await run(['parked', 'list']);
    expect(listed.stdout).toContain(parked[0]!.eventId);
    const status = (await json(['subscriptions', 'status'])) as { name: string; parked: number }[];
    expect(status.find((s) => s.name === 'bank-accounts')!.parked).toBe(1);

    await dataSource.query('ALTER TABLE bank_account_views DROP CONSTRAINT cli_test_cap');
    const retried = await run(['parked', 'retry', 'bank-accounts', parked[0]!.eventId]);
    expect([retried.code, retried.stdout]).toEqual([0, `bank-accounts resumes at ${parked[0]!.eventId}.\n`]);
    expect(await bank.balances(ada)).toEqual([2105]);
    expect(await json(['parked', 'list'])).toEqual([]);
    const again = await run(['parked', 'dismiss', 'bank-accounts', parked[0]!.eventId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('has no parked event');
  });

  it('rebuilds the accounts projection with plain progress lines, exiting once caught up', async () => {
    const rebuilt = await run(['subscriptions', 'rebuild', 'bank-accounts']);
    expect([rebuilt.code, rebuilt.stderr]).toEqual([0, '']);
    expect(rebuilt.stdout).toMatch(/Rebuilt and caught up: bank-accounts\.\n$/);
    expect(await bank.balances(ada)).toEqual([2105]);
    const saga = await run(['subscriptions', 'rebuild', 'transfer']);
    expect([saga.code, saga.stderr]).toEqual([1, expect.stringContaining('only async projections are rebuilt')]);
    const all = await run(['subscriptions', 'rebuild', '--all']);
    expect([all.code, all.stdout]).toEqual([0, expect.stringContaining('Rebuilt and caught up: bank-accounts.')]);
  });

  it('refuses a per-tenant rebuild of a projection without resetTenant, and permissions without the access module', async () => {
    const tenant = await run(['subscriptions', 'rebuild', 'bank-accounts', '--tenant', 'acme']);
    expect([tenant.code, tenant.stderr]).toEqual([1, expect.stringContaining('AccountsProjection has no resetTenant')]);
    const permissions = await run(['permissions', 'rebuild']);
    expect([permissions.code, permissions.stderr]).toEqual([
      1,
      expect.stringContaining('does not import EventSourcingAccessModule'),
    ]);
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['nope']],
    ['a group without its subcommand', ['events']],
    ['a limit that is no number', ['events', 'query', '--limit', 'ten']],
    ['an unknown order', ['events', 'query', '--order', 'random']],
    ['an unreadable duration', ['events', 'query', '--since', 'soon']],
    ['an unknown option', ['events', 'query', '--colour', 'red']],
    ['rebuild with neither a name nor --all', ['subscriptions', 'rebuild']],
    ['a per-tenant rebuild of --all', ['subscriptions', 'rebuild', '--all', '--tenant', 'acme']],
    ['a retry of an event id that is no UUID', ['parked', 'retry', 'bank-accounts', 'x']],
  ])('exits 2 on %s, with a one-line message and nothing written', async (_name, args) => {
    const before = await bank.countEvents();
    const ran = await run(args);
    expect(ran.code).toBe(2);
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
    expect(await bank.countEvents()).toBe(before);
  });

  it('generates each building block with a spec beside it, needing no database, never overwriting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-generate-'));
    try {
      const offline = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      for (const [kind, name] of [
        ['aggregate', 'BankCard'],
        ['command', 'BlockCard'],
        ['event', 'CardLost'],
        ['projection', 'CardStats'],
        ['saga', 'CardRenewal'],
      ]) {
        const ran = await run(['generate', kind!, name!, '--path', dir], offline);
        expect([kind, ran.code, ran.stderr]).toEqual([kind, 0, '']);
      }
      const files = readdirSync(dir, { recursive: true }).map(String).sort();
      expect(files).toEqual(
        expect.arrayContaining([
          'bank-card.aggregate.ts',
          'bank-card.aggregate.spec.ts',
          'commands/block-card.command.ts',
          'commands/block-card.handler.ts',
          'commands/block-card.handler.spec.ts',
          'events/card-lost.event.ts',
          'events/card-lost.event.spec.ts',
          'projections/card-stats.projection.ts',
          'projections/card-stats.projection.spec.ts',
          'card-renewal.saga.ts',
          'card-renewal.saga.spec.ts',
        ]),
      );
      const again = await run(['generate', 'event', 'CardLost', '--path', dir], offline);
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('Not overwriting')]);
      const bad = await run(['generate', 'event', 'card-lost'], offline);
      expect(bad.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
