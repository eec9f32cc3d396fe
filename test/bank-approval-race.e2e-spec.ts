import { EventStore, Subscriptions } from 'nest-event-sourcing';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';

// An approval that arrives as its deadline fires, over HTTP, many times: whatever the
// timing, the answer never contradicts the outcome. Either the approval wins (200, the
// transfer completes and the money moves) or the deadline does (422 approval-expired, no
// TransferApproved stored, the transfer fails and the source is refunded).
const TIMEOUT_MS = 40;
const AMOUNT = 1_000;
const env = { TRANSFER_APPROVAL_LIMIT: String(AMOUNT), TRANSFER_APPROVAL_TIMEOUT_MS: String(TIMEOUT_MS) };
/**
 * Approvals are aimed at these moments after the deadline is set: before, at and after
 * it; 'expired' waits until the expiry is stored, so the deadline surely wins some even
 * when a loaded machine delays every deadline past the approvals aimed at it.
 */
const OFFSETS_MS: (number | 'expired')[] = [0, 30, 50, 65, 80, 95, 110, 130, 170, 'expired'];
const WAVES = 4;

interface Run {
  id: string;
  target: string;
  offsetMs: number | 'expired';
  answer: number;
  rule?: string;
}

describe('bank app: an approval racing its deadline', () => {
  let bank: BankTestApp;

  beforeAll(async () => {
    bank = await startBankApp('bank_approval_race', ADMIN_TOKEN, { env });
  });
  afterAll(async () => {
    await bank?.close();
  });

  const transferView = async (id: string) =>
    (await bank.http().get(`/transfers/${id}`).expect(200)).body as { status: string; reason?: string; step?: string };
  const request = async (fromAccountId: string, toAccountId: string): Promise<string> =>
    (await bank.http().post('/transfers').send({ fromAccountId, toAccountId, amount: AMOUNT }).expect(202)).body
      .transferId as string;
  const approve = async (id: string): Promise<{ answer: number; rule?: string }> => {
    const response = await bank.http().post(`/transfers/${id}/approve`);
    return { answer: response.status, rule: (response.body as { rule?: string }).rule };
  };
  const outcome = (id: string) => bank.transferOutcome(id);
  const balances = (...ids: string[]) => bank.balances(...ids);
  const storedTypes = async (id: string): Promise<string[]> =>
    (await bank.app.get(EventStore).readStream(`transfer-${id}`)).map((event) => event.type);

  /** Polls without a pause worth the name: the deadline is only tens of milliseconds away. */
  const soon = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  /** Not a wait for a state: the approval is aimed at a moment around its deadline. */
  const at = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  const race = async (source: string, offsetMs: number | 'expired'): Promise<Run> => {
    const target = await bank.openAccount('Target');
    const id = await request(source, target);
    // The saga sets the deadline (TIMEOUT_MS ahead) in the step that ends 'debiting'.
    await soon(async () => {
      const view = await transferView(id);
      return view.status !== 'pending' || (view.step !== undefined && view.step !== 'debiting');
    }, 30_000);
    if (offsetMs === 'expired') {
      await soon(async () => (await storedTypes(id)).includes('bank.transfer-approval-expired'), 30_000);
    } else {
      await at(offsetMs);
    }
    return { id, target, offsetMs, ...(await approve(id)) };
  };

  it('answers every approval as the transfer ends: 200 and completed, or 422 approval-expired and refunded', async () => {
    const total = OFFSETS_MS.length * WAVES;
    const source = await bank.openAccount('Source', total * AMOUNT);
    const runs: Run[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      runs.push(...(await Promise.all(OFFSETS_MS.map((offsetMs) => race(source, offsetMs)))));
    }
    const outcomes = await Promise.all(runs.map((run) => outcome(run.id)));
    const targets = await balances(...runs.map((run) => run.target));
    const types = await Promise.all(runs.map((run) => storedTypes(run.id)));

    const contradictions = runs.flatMap((run, i) => {
      const ended = outcomes[i]!;
      const approvedStored = types[i]!.includes('bank.transfer-approved');
      const won = run.answer === 200 && ended.status === 'completed' && targets[i] === AMOUNT;
      const lost =
        run.answer === 422 &&
        run.rule === 'approval-expired' &&
        ended.status === 'failed' &&
        ended.reason === 'approval timed out' &&
        !approvedStored &&
        targets[i] === 0;
      if (won || lost) return [];
      return [
        `approved ${run.offsetMs} ms after the deadline was set: answered ${run.answer}${run.rule ? ` (${run.rule})` : ''}, ` +
          `ended ${ended.status}${ended.reason ? ` (${ended.reason})` : ''}, target holds ${targets[i]}, ` +
          `stored ${types[i]!.join(', ')}`,
      ];
    });
    expect(contradictions).toEqual([]);
    // Both sides won some: the approvals did race their deadlines.
    const approved = runs.filter((run) => run.answer === 200).length;
    expect(approved).toBeGreaterThan(0);
    expect(approved).toBeLessThan(total);
    // Money is conserved: the source lost exactly what the completed transfers credited.
    const [sourceBalance] = await balances(source);
    expect(sourceBalance! + targets.reduce((sum, balance) => sum + balance, 0)).toBe(total * AMOUNT);
    expect(sourceBalance).toBe((total - approved) * AMOUNT);
  });

  it('keeps an approval given before the debit: the transfer completes without waiting for a deadline', async () => {
    const source = await bank.openAccount('Early', AMOUNT);
    const target = await bank.openAccount('Target');
    // The saga reads nothing while paused, so the approval surely comes before the debit.
    const subscriptions = bank.app.get(Subscriptions);
    await subscriptions.pause('transfer');
    let id: string;
    try {
      await soon(async () => subscriptions.localState('transfer') === 'stopped', 10_000);
      id = await request(source, target);
      const { answer } = await approve(id);
      expect(answer).toBe(200);
    } finally {
      await subscriptions.resume('transfer');
    }
    expect(await outcome(id)).toMatchObject({ status: 'completed' });
    // The approval was stored before the debit it did not wait for.
    const store = bank.app.get(EventStore);
    const approved = (await store.readStream(`transfer-${id}`)).find((e) => e.type === 'bank.transfer-approved')!;
    const debited = (await store.readStream(`account-${source}`)).find((e) => e.type === 'bank.money-withdrawn')!;
    expect(approved.position).toBeLessThan(debited.position);
    expect(await balances(source, target)).toEqual([0, AMOUNT]);
    expect(await storedTypes(id)).not.toContain('bank.transfer-approval-expired');
  });
});
