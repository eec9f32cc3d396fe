import type * as CliProgressPackage from 'cli-progress';
import type { SubscriberStatus } from '../subscriptions/subscriber-status';

/** Shows a rebuild's progress: bars on a terminal, a plain line a second otherwise. @internal */
export interface RebuildProgressView {
  update(statuses: readonly SubscriberStatus[]): void;
  stop(): void;
}

type CliProgress = typeof CliProgressPackage;
type Bar = ReturnType<InstanceType<CliProgress['MultiBar']>['create']>;

/** A `cli-progress` bar per subscriber: events, events per second, ETA. */
class TerminalProgress implements RebuildProgressView {
  private readonly multi: InstanceType<CliProgress['MultiBar']>;
  private readonly bars = new Map<string, Bar>();

  constructor(progress: CliProgress, stream: NodeJS.WriteStream) {
    this.multi = new progress.MultiBar(
      {
        format: '{name} [{bar}] {value}/{total} events | {speed} events/s | ETA {eta_formatted}',
        hideCursor: true,
        stream,
        etaBuffer: 20,
      },
      progress.Presets.shades_classic,
    );
  }

  update(statuses: readonly SubscriberStatus[]): void {
    for (const s of statuses) {
      const total = s.rebuild?.total ?? Math.max(this.bars.get(s.name)?.getTotal() ?? 0, 1);
      const done = s.rebuild?.done ?? total;
      const speed = Math.round(s.rebuild?.eventsPerSecond ?? 0);
      let bar = this.bars.get(s.name);
      if (!bar) {
        bar = this.multi.create(total, done, { name: s.name, speed });
        this.bars.set(s.name, bar);
      }
      bar.setTotal(total);
      bar.update(done, { name: s.name, speed });
    }
  }

  stop(): void {
    this.multi.stop();
  }
}

/** One line per subscriber and second, for logs and pipes. */
class PlainProgress implements RebuildProgressView {
  private last = 0;

  constructor(private readonly write: (line: string) => void) {}

  update(statuses: readonly SubscriberStatus[]): void {
    if (Date.now() - this.last < 1000) return;
    this.last = Date.now();
    for (const s of statuses) {
      if (!s.rebuild) continue;
      const { done, total, eventsPerSecond } = s.rebuild;
      const eta = eventsPerSecond > 0 ? `${Math.ceil((total - done) / eventsPerSecond)}s` : '?';
      this.write(`${s.name}: ${done}/${total} events, ${Math.round(eventsPerSecond)} events/s, ETA ${eta}`);
    }
  }

  stop(): void {}
}

/**
 * The progress view for this process's stdout: `cli-progress` bars on a terminal (when
 * the optional package is there), plain lines otherwise. @internal
 */
export function rebuildProgressView(write: (line: string) => void): RebuildProgressView {
  if (process.stdout.isTTY) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when a terminal shows bars
      return new TerminalProgress(require('cli-progress') as CliProgress, process.stdout);
    } catch {
      write('(install cli-progress for a progress bar)');
    }
  }
  return new PlainProgress(write);
}
