import { Client } from 'pg';

/** The statements `pg` clients send while `work` runs: their names (prepared) or texts. */
export async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its client as `this`
  const original = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    const first = args[0] as string | { name?: string; text: string };
    sent.push(typeof first === 'string' ? first : first.name || first.text);
    return (original as (...a: unknown[]) => never).apply(this, args);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return sent;
}

/** Until a backend of the database at `url` waits on a lock (a row locked by another transaction). */
export async function waitForLockWait(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (Number(rows[0]!.n) > 0) return;
      if (Date.now() > deadline) throw new Error('No backend came to wait on a lock within 10 s.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}
