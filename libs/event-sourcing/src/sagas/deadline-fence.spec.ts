import { randomUUID } from 'node:crypto';
import { createPostgresSubject } from '../../../../test/support/postgres-store';
import type { GlobalCursor } from '../store/event-store';
import { CheckpointStore } from '../subscriptions/checkpoint-store';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { DeadlineFence, postgresCommitHorizon } from './deadline-fence';

// On PostgreSQL: a saga's due deadlines may fire only once its subscription's checkpoint
// is past every transaction committed before they were found due.
describe('DeadlineFence', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let checkpoints: CheckpointStore;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'deadline_fence');
    checkpoints = new CheckpointStore(subject.dataSource, 'public');
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  const saga = async (): Promise<string> => {
    const name = `saga-${randomUUID().slice(0, 8)}`;
    await checkpoints.ensure(name);
    return name;
  };
  const moveTo = async (name: string, to: GlobalCursor): Promise<void> => {
    const { cursor } = await checkpoints.load(name);
    await checkpoints.move(name, { from: cursor, to });
  };
  /** Where a caught-up subscription moves: the oldest transaction still open. */
  const toHorizon = async (name: string): Promise<void> =>
    moveTo(name, { transactionId: (await checkpoints.horizon()).xmin, position: 0n });
  /** Appends an event and answers its cursor: the transaction that committed it, and its position. */
  const commit = async (): Promise<GlobalCursor> => {
    const { position } = await subject.store.append(`stream-${randomUUID()}`, [{ type: 'fence.tested', data: {} }]);
    return { transactionId: (await checkpoints.transactionOf(position))!, position };
  };

  /** Catches the saga up to the horizon until the fence opens (other tests' transactions may hold it back). */
  const untilOpen = async (fence: DeadlineFence, name: string): Promise<Date | undefined> => {
    let until: Date | undefined;
    await pollUntil(Date.now() + 10_000, async () => {
      await toHorizon(name);
      until = await fence.open(name);
      return until !== undefined;
    });
    return until;
  };

  it('holds deadlines while the saga has not read up to the fence, waking its subscription', async () => {
    const name = await saga();
    const wake = jest.fn();
    const fence = new DeadlineFence(postgresCommitHorizon(subject.dataSource), checkpoints, wake);
    await commit();
    expect(await fence.open(name)).toBeUndefined();
    expect(wake).toHaveBeenCalledWith(name);
    expect(await untilOpen(fence, name)).toBeInstanceOf(Date);
  });

  it('waits for a transaction committed before the fence even when the checkpoint is at its event', async () => {
    const name = await saga();
    const fence = new DeadlineFence(postgresCommitHorizon(subject.dataSource), checkpoints, () => undefined);
    const committed = await commit();
    expect(await fence.open(name)).toBeUndefined();
    await moveTo(name, committed);
    expect(await fence.open(name)).toBeUndefined();
    expect(await untilOpen(fence, name)).toBeInstanceOf(Date);
  });

  it('keeps its first fence while it waits, so later commits cannot push it ahead', async () => {
    const name = await saga();
    const fence = new DeadlineFence(postgresCommitHorizon(subject.dataSource), checkpoints, () => undefined);
    expect(await fence.open(name)).toBeUndefined();
    // Committed after the fence was taken: a fence taken now would be above them.
    const later = await commit();
    await commit();
    await moveTo(name, { transactionId: later.transactionId, position: 0n });
    expect(await fence.open(name)).toBeInstanceOf(Date);
    // Passed, it is dropped: the next deadlines wait for a fence of their own.
    expect(await fence.open(name)).toBeUndefined();
  });

  it('takes the fence above every transaction committed before it', async () => {
    const committed = await commit();
    const fence = await new DeadlineFence(
      postgresCommitHorizon(subject.dataSource),
      checkpoints,
      () => undefined,
    ).take();
    expect(fence.transactionId).toBeGreaterThan(committed.transactionId);
    expect(fence.at).toBeInstanceOf(Date);
  });
});
