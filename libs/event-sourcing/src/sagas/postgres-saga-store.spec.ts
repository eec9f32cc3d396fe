import { randomUUID } from 'node:crypto';
import { createPostgresSubject } from '../../../../test/support/postgres-store';
import { PostgresSagaStore } from './postgres-saga-store';
import type { CommandRow } from './saga-persistence';

// The command outbox on PostgreSQL: a claim is a lease, and only the holder of the
// current claim may record an outcome.
describe('PostgresSagaStore: the command outbox', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let store: PostgresSagaStore;
  const known = { sagaTypes: ['transfer'], commandTypes: ['Credit'] };

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'saga_outbox');
    store = new PostgresSagaStore(subject.dataSource, 'public');
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  const queue = async (commandType = 'Credit'): Promise<string> => {
    const sagaId = randomUUID();
    const commandId = randomUUID();
    await subject.dataSource.query(
      `INSERT INTO es_sagas (saga_id, saga_type, correlation, started_by) VALUES ($1, 'transfer', $2, $3)`,
      [sagaId, sagaId, randomUUID()],
    );
    await subject.dataSource.query(
      `INSERT INTO es_saga_commands (command_id, saga_id, saga_type, command_type, payload, causation_id)
       VALUES ($1, $2, 'transfer', $3, '{}', 'e-1')`,
      [commandId, sagaId, commandType],
    );
    return commandId;
  };
  const status = async (commandId: string) =>
    (
      await subject.dataSource.query<{ status: string }[]>(
        'SELECT status FROM es_saga_commands WHERE command_id = $1',
        [commandId],
      )
    )[0]!.status;

  it('leases a claimed command: nobody else takes it until the lease runs out', async () => {
    const id = await queue();
    const claim = (await store.claimCommand(60_000, known))!;
    expect(claim.command_id).toBe(id);
    expect(await store.claimCommand(60_000, known)).toBeUndefined();
    expect(await store.finishCommand(undefined, claim)).toBe(true);
    expect(await status(id)).toBe('done');
  });

  it('records nothing for a worker whose lease ran out and whose command another worker took over', async () => {
    const id = await queue();
    const stale: CommandRow = (await store.claimCommand(1, known))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = (await store.claimCommand(60_000, known))!;
    expect(current.command_id).toBe(id);
    expect(await store.finishCommand(undefined, current)).toBe(true);
    // The stale worker's failure must not overwrite the success (nor trigger compensation).
    expect(await store.finishCommand(undefined, stale, 'failed late')).toBe(false);
    expect(await status(id)).toBe('done');
  });

  it('leaves commands of types this instance does not know for an instance that does', async () => {
    const id = await queue('Unknown');
    expect(await store.claimCommand(60_000, known)).toBeUndefined();
    expect(await status(id)).toBe('pending');
  });
});
