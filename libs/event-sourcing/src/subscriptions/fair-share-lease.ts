import type { SubscriberDefinition } from './subscriber-definition';
import type { RunnerLease } from './subscription-runner';

/**
 * The lease of the runners on PostgreSQL: each subscriber's advisory lock, and for the
 * partitions of a partitioned subscriber a fair share on top: an instance takes a
 * partition only while it holds fewer than ceil(partitions / live instances) of that
 * subscriber, and gives its highest one up, between two pages, while it holds more
 * (another instance started). A dead instance's locks go with its connection, and once
 * it stops counting as live the others' shares grow to take its partitions. @internal
 */
export class FairShareLease implements RunnerLease {
  /** Partition keys by subscriber, in partition order. */
  private readonly groups = new Map<string, string[]>();
  private readonly groupOf = new Map<string, string[]>();
  /** Partitions whose lock is being asked for: counted as held, so parallel tries do not overshoot. */
  private readonly taking = new Set<string>();

  constructor(
    private readonly locks: RunnerLease,
    private readonly instances: { readonly liveInstances: number },
    views: readonly SubscriberDefinition[],
  ) {
    for (const view of views) {
      if (!view.partition) continue;
      const group = this.groups.get(view.partition.subscriber) ?? [];
      group.push(view.name);
      this.groups.set(view.partition.subscriber, group);
      this.groupOf.set(view.name, group);
    }
  }

  holds(name: string): boolean {
    return this.locks.holds(name);
  }

  async tryLock(name: string): Promise<boolean> {
    const group = this.groupOf.get(name);
    if (!group || this.locks.holds(name)) return this.locks.tryLock(name);
    const taking = group.filter((key) => this.taking.has(key)).length;
    if (this.held(group) + taking >= this.share(group)) return false;
    this.taking.add(name);
    try {
      return await this.locks.tryLock(name);
    } finally {
      this.taking.delete(name);
    }
  }

  unlock(name: string): Promise<void> {
    return this.locks.unlock(name);
  }

  shouldRelease(name: string): boolean {
    const group = this.groupOf.get(name);
    if (!group || this.held(group) <= this.share(group)) return false;
    // One at a time, the highest first, so that the instance keeps its lower partitions.
    return group.filter((key) => this.locks.holds(key)).at(-1) === name;
  }

  private held(group: readonly string[]): number {
    return group.filter((key) => this.locks.holds(key)).length;
  }

  private share(group: readonly string[]): number {
    return Math.ceil(group.length / this.instances.liveInstances);
  }
}
