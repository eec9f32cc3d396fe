import { describeAppendContract } from './contract/append.contract';
import { describeBadInputContract } from './contract/bad-input.contract';
import { describeConcurrentTransactionsContract } from './contract/concurrent-transactions.contract';
import { describeDecisionConcurrencyContract } from './contract/decision-concurrency.contract';
import { describeDecisionContract } from './contract/decision.contract';
import { createContractContext, type ContractSubject } from './contract/contract-context';
import { describeExpectedVersionContract } from './contract/expected-version.contract';
import { describeIdempotencyContract } from './contract/idempotency.contract';
import { describeQueryContract } from './contract/query.contract';
import { describeReadAllContract } from './contract/read-all.contract';
import { describeStreamReadsContract } from './contract/stream-reads.contract';
import { describeLifecycleContract } from './contract/lifecycle.contract';
import { describeNaturalKeysContract } from './contract/natural-keys.contract';

export type { ContractSubject } from './contract/contract-context';

/**
 * The behaviour every `EventStore` must have, as a jest suite: atomic batches, every
 * expected-version mode, concurrent appenders, idempotent event ids, gap-safe global
 * reads, query filters, bad input, concurrent transactions (deadlocks, event ids
 * pending in an open transaction), and tags with decision queries and conditional
 * appends (the DCB spec's semantics, one append to several streams, concurrency), soft
 * and hard deletes, and unique natural keys. Run it against your own store to check it.
 * @example
 * describeEventStoreContract('my store', async () => ({ store: new MyStore(), maxEventSize: 1024 * 1024 }));
 */
export function describeEventStoreContract(name: string, createSubject: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject | undefined;
    const ctx = createContractContext(() => {
      if (!subject) throw new Error('The contract subject is created in beforeAll.');
      return subject;
    });

    beforeAll(async () => {
      subject = await createSubject();
    });

    afterAll(async () => {
      await subject?.close?.();
    });

    describeAppendContract(ctx);
    describeExpectedVersionContract(ctx);
    describeIdempotencyContract(ctx);
    describeStreamReadsContract(ctx);
    describeReadAllContract(ctx);
    describeQueryContract(ctx);
    describeBadInputContract(ctx);
    describeConcurrentTransactionsContract(ctx);
    describeDecisionContract(ctx);
    describeDecisionConcurrencyContract(ctx);
    describeLifecycleContract(ctx);
    describeNaturalKeysContract(ctx);
  });
}
