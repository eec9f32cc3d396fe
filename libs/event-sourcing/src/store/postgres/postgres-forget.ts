import type { NewEvent } from '../../events/event-envelope';
import type { ForgetResult } from '../event-store';
import { prepareAppend, withRequirements, type PreparedAppend } from '../prepared-append';
import type { AppendRequirementsHook } from '../append-requirements';
import type { TenantScope } from '../tenant-scope';
import { assertSubject, forgottenAppend, personalTextsOf } from '../personal-data/forget-steps';
import type { SubjectErasers } from '../personal-data/subject-erasers';
import type { PostgresSubjectKeys } from './postgres-subject-keys';
import type { TransactionScope } from './postgres-transaction';

/** What a forget on PostgreSQL works with. @internal */
export interface PostgresForgetDeps {
  keys: PostgresSubjectKeys;
  erasers: SubjectErasers;
  inTransaction: (work: (scope: TransactionScope) => Promise<ForgetResult>) => Promise<ForgetResult>;
  /** The permissions the current work's appends need: the `SubjectForgotten` append's too. */
  requirements?: AppendRequirementsHook;
  /** The store's tenant scope, when tenancy is on: asked before anything is erased. */
  scope?: TenantScope;
}

/**
 * `EventStore.forget` on PostgreSQL, in one transaction: the subject's key row locked
 * (appends in flight with its data finish first; later ones find the tombstone), its
 * personal data decrypted one last time for the erasers (snapshots, idempotency records,
 * saga state) and the natural keys that hold it, the key replaced by a tombstone in one statement, and a
 * `SubjectForgotten` event stored, with its inline projections. @internal
 */
export async function forgetOnPostgres(
  deps: PostgresForgetDeps,
  subject: string,
  /** Called after the commit, with the streams that held the subject's data. */
  forgotten: (streamIds: readonly string[]) => void,
): Promise<ForgetResult> {
  assertSubject(subject);
  const { keyring, maxEventSize } = deps.keys;
  const result = await deps.inTransaction(async (scope): Promise<ForgetResult> => {
    const stored = await deps.keys.lockForForget(scope.client, subject);
    // With an admission the holdings are read first, so a refusal looks the same whatever
    // the subject's state; without one a repeat forget reads nothing.
    const early = deps.scope ? await deps.keys.holdings(scope.client, subject) : undefined;
    if (early) await deps.scope!.admitForget(subject, early.streamIds);
    if (stored === null) return { subject, forgotten: false, streamIds: [] };
    const { streamIds, events } = early ?? (await deps.keys.holdings(scope.client, subject));
    // A key that cannot be unwrapped still goes: forgetting must not depend on reading.
    let values: string[] = [];
    if (stored) {
      try {
        values = personalTextsOf(events, subject, keyring.unwrap(subject, stored));
      } catch {
        values = [];
      }
    }
    await deps.erasers.run({ subject, streamIds, values, manager: scope.manager });
    await deps.keys.dropNaturalKeys(scope.client, streamIds, values);
    await deps.keys.tombstone(scope.client, subject);
    const { streamId, event } = forgottenAppend(subject, streamIds);
    await scope.append(withRequirements(prepare(streamId, event, maxEventSize), deps.requirements));
    return { subject, forgotten: true, streamIds };
  });
  keyring.learn(subject, 'forgotten');
  if (result.forgotten) forgotten(result.streamIds);
  return result;
}

function prepare(streamId: string, event: NewEvent, maxEventSize: number): PreparedAppend {
  return prepareAppend(streamId, [event], { expectedVersion: 'any', streamType: 'es.forgotten' }, maxEventSize);
}
