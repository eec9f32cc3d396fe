/** A warm copy a try took: at which version, how to ask the stream's, how to put it back. */
interface TakenCopy {
  version: number;
  currentVersion: () => Promise<number>;
  putBack: () => void;
  confirmed: boolean;
}

/**
 * What one try of a command handler did with warm aggregates: the copies it took, which
 * of them are confirmed current, and the aggregates to keep once it succeeds. The command
 * handler enhancer opens one per try (none on the last try, which could not run again).
 *
 * The scope closes at the try's first save or nested command: nothing is written on the
 * strength of a copy before that copy is confirmed, and later loads read the stream, so a
 * try that has written something never needs to run again. @internal
 */
export class WarmScope {
  private readonly taken = new Map<string, TakenCopy>();
  private readonly toKeep: (() => void)[] = [];
  private closed = false;

  /** Whether loads may still take warm copies. */
  get open(): boolean {
    return !this.closed;
  }

  /** Records a copy taken at `version`. */
  took(streamId: string, version: number, currentVersion: () => Promise<number>, putBack: () => void): void {
    this.taken.set(streamId, { version, currentVersion, putBack, confirmed: false });
  }

  /**
   * Before a write (a save, a nested command): the first copy (`except`'s aside, which the
   * save's own append confirms) whose stream has moved on, and no more warm loads after.
   */
  async closeForWrite(except?: string): Promise<StaleCopy | undefined> {
    this.closed = true;
    return this.firstStale(except);
  }

  /** A save appended with the copy's version as expected version: it was current. */
  saved(streamId: string, keep: () => void): void {
    this.taken.delete(streamId);
    this.toKeep.push(keep);
  }

  /**
   * The first copy (`except`'s aside) whose stream has moved on, asking the store about
   * each one not yet confirmed; those found current are confirmed from then on.
   */
  async firstStale(except?: string): Promise<StaleCopy | undefined> {
    for (const [streamId, copy] of this.taken) {
      if (copy.confirmed || streamId === except) continue;
      const actual = await copy.currentVersion();
      if (actual !== copy.version) return { streamId, version: copy.version, actual };
      copy.confirmed = true;
    }
    return undefined;
  }

  /** The try succeeded: saved aggregates go to their caches, and confirmed copies back. */
  succeeded(): void {
    for (const keep of this.toKeep.splice(0)) keep();
    for (const copy of this.taken.values()) if (copy.confirmed) copy.putBack();
    this.taken.clear();
  }
}

/** A warm copy that was behind its stream. @internal */
export interface StaleCopy {
  streamId: string;
  /** The version it was kept at. */
  version: number;
  /** The stream's version. */
  actual: number;
}
