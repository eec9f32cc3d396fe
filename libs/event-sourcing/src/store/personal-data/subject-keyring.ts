import { PersonalDataKeyError } from '../../errors/personal-data-key-error';
import { errorMessage } from '../../errors/error-message';
import { masterKeyOf, newDataKey, unwrapKey, wrapKey, type MasterKey } from '../../events/personal-data-cipher';

/** A subject's key: the data key, and its bytes as stored (wrapped by the master key, if any). @internal */
export interface SubjectKey {
  key: Buffer;
  stored: Buffer;
}

/** What the store knows of a subject: its key, or that it was forgotten. @internal */
export type SubjectKeyState = SubjectKey | 'forgotten';

/**
 * Rows of the key table for some subjects: the stored key, null for a tombstone (the
 * subject was forgotten); a subject without a row is absent from the map. @internal
 */
export type LoadKeys = (subjects: readonly string[]) => Promise<Map<string, Buffer | null>>;

/** Options of {@link SubjectKeyring}. @internal */
export interface SubjectKeyringOptions {
  /** The master key new keys are wrapped with (32 bytes), then the older ones still accepted. */
  masterKeys?: readonly Buffer[];
  /** Most subjects whose keys are kept in memory. */
  maxKeys?: number;
  /** How long a key is used from memory before its row is read again. */
  keyCacheMs?: number;
}

interface Cached {
  state: SubjectKeyState;
  at: number;
}

/**
 * The data keys of subjects, as a store uses them: drawn for new subjects, loaded and
 * unwrapped from the key table, kept in memory (at most `maxKeys`, least recently used
 * out first; each for `keyCacheMs`, so that another instance's forget is seen within
 * that time even without its signal). A key that cannot be used is a
 * {@link PersonalDataKeyError}, never a guess. @internal
 */
export class SubjectKeyring {
  private readonly cache = new Map<string, Cached>();
  private readonly masters: readonly MasterKey[];
  private readonly maxKeys: number;
  private readonly keyCacheMs: number;

  constructor(options: SubjectKeyringOptions = {}) {
    this.masters = (options.masterKeys ?? []).map(masterKeyOf);
    this.maxKeys = options.maxKeys ?? 10_000;
    this.keyCacheMs = options.keyCacheMs ?? 30_000;
  }

  /**
   * Keys to encrypt an append's personal data with: the known ones, and new ones drawn
   * for subjects not known here (the append's statement stores them, or tells that the
   * subject has another key: then {@link load} it and seal again).
   * @throws SubjectForgottenError (through `forgotten`) for a subject known to be forgotten.
   */
  forAppend(subjects: readonly string[], forgotten: (subject: string) => Error): Map<string, SubjectKey> {
    const keys = new Map<string, SubjectKey>();
    for (const subject of subjects) {
      const state = this.cached(subject);
      if (state === 'forgotten') throw forgotten(subject);
      if (state) {
        keys.set(subject, state);
        continue;
      }
      keys.set(subject, this.draw());
    }
    return keys;
  }

  /** A new random key, wrapped by the current master key when there is one. */
  draw(): SubjectKey {
    const key = newDataKey();
    return { key, stored: wrapKey(key, this.masters[0]) };
  }

  /**
   * What the store knows of each subject, from memory or else from the key table.
   * @throws PersonalDataKeyError for a subject without a row (and no tombstone), or a key that cannot be unwrapped.
   */
  async forRead(subjects: readonly string[], load: LoadKeys): Promise<Map<string, SubjectKeyState>> {
    const states = new Map<string, SubjectKeyState>();
    const missing: string[] = [];
    for (const subject of subjects) {
      const state = this.cached(subject);
      if (state) states.set(subject, state);
      else missing.push(subject);
    }
    if (missing.length > 0) for (const [subject, state] of await this.load(missing, load)) states.set(subject, state);
    return states;
  }

  /**
   * Reads the rows of `subjects` from the key table and keeps them in memory.
   * @throws PersonalDataKeyError as {@link forRead}.
   */
  async load(subjects: readonly string[], load: LoadKeys): Promise<Map<string, SubjectKeyState>> {
    const rows = await load(subjects);
    const states = new Map<string, SubjectKeyState>();
    for (const subject of subjects) {
      if (!rows.has(subject)) {
        throw new PersonalDataKeyError(subject, 'the key table has no row for it, and it was never forgotten');
      }
      const stored = rows.get(subject)!;
      const state: SubjectKeyState = stored ? { key: this.unwrap(subject, stored), stored } : 'forgotten';
      this.learn(subject, state);
      states.set(subject, state);
    }
    return states;
  }

  /**
   * The data key a stored key holds.
   * @throws PersonalDataKeyError when it has the wrong length, or no configured master key opens it.
   */
  unwrap(subject: string, stored: Buffer): Buffer {
    try {
      return unwrapKey(stored, this.masters);
    } catch (error) {
      throw new PersonalDataKeyError(subject, errorMessage(error), { cause: error });
    }
  }

  /** Keeps what an append or a read established about `subject`. */
  learn(subject: string, state: SubjectKeyState): void {
    this.cache.delete(subject);
    this.cache.set(subject, { state, at: Date.now() });
    if (this.cache.size > this.maxKeys) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Drops what is kept of `subject` (it was forgotten elsewhere, or the key table changed). */
  drop(subject: string): void {
    this.cache.delete(subject);
  }

  /** Keys belong to subjects, not streams: a stream's change leaves them (a `StreamCache`). */
  forget(): void {}

  /** Drops every kept key (the database may have come back from a restore). */
  clear(): void {
    this.cache.clear();
  }

  private cached(subject: string): SubjectKeyState | undefined {
    const hit = this.cache.get(subject);
    if (!hit) return undefined;
    // A tombstone is for ever; a key may have been forgotten by another instance.
    if (hit.state !== 'forgotten' && Date.now() - hit.at > this.keyCacheMs) {
      this.cache.delete(subject);
      return undefined;
    }
    this.cache.delete(subject);
    this.cache.set(subject, hit);
    return hit.state;
  }
}
