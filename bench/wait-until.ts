/**
 * Calls `condition` every `intervalMs` until it holds (no fixed sleeps in a benchmark
 * either); throws, naming `what`, when it still does not after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
