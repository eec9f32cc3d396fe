import { isRetryableWriteError } from '../../database/postgres-errors';
import { AppendRaceError } from './append-outcome';

/** How long an append keeps trying after losing races to concurrent appends. */
const RACE_BUDGET_MS = 5_000;

/**
 * Runs an append (`run`) until it settles. Tries again only what provably wrote nothing,
 * never an ambiguous commit: a lost race (someone else's append landed, so the stream
 * made progress) within a time budget, and outside a transaction a deadlock or
 * serialization failure, up to `writeAttempts` tries. Any other error goes through
 * `final` (see `finalAppendError`). @internal
 */
export async function appendWithRaces<T>(
  run: () => Promise<T>,
  inTransaction: boolean,
  writeAttempts: number,
  final: (error: unknown) => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + RACE_BUDGET_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const race = error instanceof AppendRaceError && Date.now() < deadline;
      // Outside a transaction a deadlock rolled the statement back; inside, it aborted the caller's work.
      const transient = !inTransaction && isRetryableWriteError(error) && attempt < writeAttempts;
      if (!race && !transient) throw await final(error);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));
    }
  }
}
