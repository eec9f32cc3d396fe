import { WaitTimeoutError } from '../errors/wait-timeout-error';
import type { GlobalCursor } from '../store/event-store';
import type { CheckpointStore } from './checkpoint-store';
import { compareCursors } from './global-cursor';

/**
 * Polls `check` with a short, growing pause until it holds (true) or the deadline
 * passes (false). Errors of `check` propagate. @internal
 */
export async function pollUntil(deadline: number, check: () => Promise<boolean>): Promise<boolean> {
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * Resolves once the subscriber's checkpoint is at or past `target`.
 * @throws WaitTimeoutError when the deadline passes first. @internal
 */
export async function waitForCursor(
  checkpoints: Pick<CheckpointStore, 'load'>,
  name: string,
  target: GlobalCursor,
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  const reached = await pollUntil(
    deadline,
    async () => compareCursors((await checkpoints.load(name)).cursor, target) >= 0,
  );
  if (!reached) throw new WaitTimeoutError(name, target.position, timeoutMs);
}

/**
 * Resolves once the subscriber has handled everything up to a global position, waiting
 * first for the event there to be committed (the caller may have its position from a
 * reply in flight).
 * @throws WaitTimeoutError when it has not within `timeoutMs`. @internal
 */
export async function waitForPosition(
  checkpoints: Pick<CheckpointStore, 'load' | 'transactionOf'>,
  name: string,
  position: bigint,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let transactionId: bigint | undefined;
  const committed = await pollUntil(deadline, async () => {
    transactionId ??= await checkpoints.transactionOf(position);
    return transactionId !== undefined;
  });
  if (!committed) throw new WaitTimeoutError(name, position, timeoutMs);
  await waitForCursor(checkpoints, name, { transactionId: transactionId!, position }, deadline, timeoutMs);
}
