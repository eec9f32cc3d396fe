/**
 * Fired after appends commit, so this process's subscribers (and, through NOTIFY,
 * those of other processes) look at the store at once instead of at their next poll.
 * @internal
 */
export class AppendSignal {
  private readonly listeners = new Set<(types: ReadonlySet<string>) => void>();

  /** Calls `listener` with the event types of each committed append. */
  on(listener: (types: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(types: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(types);
  }
}
