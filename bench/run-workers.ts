/** Runs `count` workers at once; waits for all of them, even when one fails, then throws its error. */
export async function runWorkers(count: number, worker: () => Promise<void>): Promise<void> {
  const settled = await Promise.allSettled(Array.from({ length: count }, worker));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
