import { InvalidEventError } from '../errors/invalid-event-error';
import { InvalidQueryError } from '../errors/invalid-query-error';
import type { EventMetadata, NewEvent } from '../events/event-envelope';
import { STREAM_DELETED, STREAM_RESTORED } from '../events/stream-lifecycle-types';
import { textProblem } from './text-problem';
import { tenantOfAppend } from './append-tenant';

/** One natural key a stream claims: at most one value per key and stream, each value held by one stream. */
export interface NaturalKeyClaim {
  /** The key's name, as the store keeps it (`account/email`): 1 to 200 characters. */
  key: string;
  /** The value, as compared (normalise it first: `@NaturalKey` lowercases and trims on request). */
  value: string;
}

/** What an append does to its stream's natural keys (see {@link AppendOptions.naturalKeys}). */
export interface NaturalKeyChanges {
  /** Keys to hold; a stream's earlier value of the same key is released. */
  claim?: readonly NaturalKeyClaim[];
  /** Keys (names) to let go of, whatever their values. */
  release?: readonly string[];
}

/** A soft delete or a restore, done with an append (see {@link AppendOptions.lifecycle}). */
export interface StreamLifecycleChange {
  action: 'delete' | 'restore';
  /** Stored in the `es.stream-deleted` / `es.stream-restored` event's data. */
  reason?: string;
  /** Metadata of that event. */
  metadata?: EventMetadata;
}

/** What the store kept of a hard-deleted stream. */
export interface StreamTombstone {
  streamId: string;
  streamType: string;
  /** The version of its last event. */
  lastVersion: number;
  /** The global position of its last event. */
  lastPosition: bigint;
  deletedAt: Date;
}

/** What an append does beside its events, checked: both stores apply it in the append's transaction. @internal */
export interface PreparedEffects {
  /**
   * The tenant the keys are claimed for: the `metadata.tenantId` of the append's first
   * event ('' for none). A value is unique within its tenant.
   */
  tenant: string;
  claim: NaturalKeyClaim[];
  release: string[];
  lifecycle?: 'delete' | 'restore';
}

/** Longest natural-key name, and value, in characters. */
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 1000;

/**
 * The checked effects of an append's options, or undefined when it has none.
 * @throws InvalidEventError for a key or value that is not a non-empty string, too long, or not storable text.
 * @internal
 */
export function prepareEffects(
  naturalKeys: NaturalKeyChanges | undefined,
  lifecycle: StreamLifecycleChange | undefined,
  events: readonly unknown[],
): PreparedEffects | undefined {
  if (naturalKeys === undefined && lifecycle === undefined) return undefined;
  if (lifecycle !== undefined && lifecycle.action !== 'delete' && lifecycle.action !== 'restore') {
    throw new InvalidEventError(0, `lifecycle.action must be 'delete' or 'restore'`);
  }
  const claim = (naturalKeys?.claim ?? []).map((c) => ({
    key: checked(c?.key, 'key', MAX_KEY_LENGTH),
    value: checked(c?.value, 'value', MAX_VALUE_LENGTH),
  }));
  const release = (naturalKeys?.release ?? []).map((key) => checked(key, 'key', MAX_KEY_LENGTH));
  const keys = [...claim.map((c) => c.key), ...release];
  if (new Set(keys).size !== keys.length) {
    throw new InvalidEventError(0, 'a natural key is claimed or released twice in one append');
  }
  return {
    tenant: tenantOfAppend(events) ?? '',
    claim,
    release,
    ...(lifecycle ? { lifecycle: lifecycle.action } : {}),
  };
}

/** The event a lifecycle change appends after the append's own events. @internal */
export function lifecycleEvent(change: StreamLifecycleChange): NewEvent {
  return {
    type: change.action === 'delete' ? STREAM_DELETED : STREAM_RESTORED,
    data: change.reason === undefined ? {} : { reason: change.reason },
    metadata: change.metadata ?? {},
  };
}

/** Where `EventStore.findByNaturalKey` looks: which tenant's keys. */
export interface NaturalKeyLookup {
  /**
   * The tenant whose keys are searched; without it, the untenanted keys (those claimed by
   * appends made without a tenant). Under `tenancy: true`, work for a tenant always
   * searches its own tenant's keys, and naming another tenant finds nothing.
   */
  tenantId?: string;
}

/**
 * A natural key and value as a lookup takes them, checked.
 * @throws InvalidEventError as {@link prepareEffects}.
 * @internal
 */
export function checkedKey(key: string, value: string): NaturalKeyClaim {
  return { key: checked(key, 'key', MAX_KEY_LENGTH), value: checked(value, 'value', MAX_VALUE_LENGTH) };
}

function checked(text: unknown, what: string, max: number): string {
  if (typeof text !== 'string' || text === '' || text.length > max) {
    throw new InvalidEventError(0, `a natural ${what} must be a string of 1 to ${max} characters`);
  }
  const problem = textProblem(text);
  if (problem) throw new InvalidEventError(0, `a natural ${what} ${problem}`);
  return text;
}

/**
 * The tenant a lookup searches: its `tenantId` ('' for the untenanted keys).
 * @throws InvalidQueryError for a tenant that is not a string of at most 1000 storable characters.
 * @internal
 */
export function lookupTenant(options: NaturalKeyLookup | undefined): string {
  const tenant: unknown = options?.tenantId;
  if (tenant === undefined || tenant === '') return '';
  if (typeof tenant !== 'string' || tenant.length > MAX_VALUE_LENGTH || textProblem(tenant)) {
    throw new InvalidQueryError('tenantId', tenant, `give a tenant id of at most ${MAX_VALUE_LENGTH} characters`);
  }
  return tenant;
}
