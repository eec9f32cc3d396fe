import { Logger, type LoggerService } from '@nestjs/common';

/** One line given to Nest's `Logger`, at its level. */
export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  text: string;
}

/** The lines logged while captured, and the way back to the logger before. */
export interface CapturedLogs {
  readonly lines: LogLine[];
  /** The texts logged at a level (`error`, say). */
  at(level: LogLine['level']): string[];
  /** Puts the logger back as it was. */
  restore(): void;
}

/**
 * Takes every line of Nest's `Logger` (the library's and Nest's own) until `restore()`,
 * so a test that provokes errors keeps the run's output clean and asserts what was
 * logged instead.
 * @example
 * const logs = captureLogs();
 * try { await provokeIt(); } finally { logs.restore(); }
 * expect(logs.at('error')).toEqual([expect.stringContaining('parked')]);
 */
export function captureLogs(): CapturedLogs {
  // The logger an app or module installed (Logger.overrideLogger keeps it here).
  const holder = Logger as unknown as { staticInstanceRef?: LoggerService };
  const before = holder.staticInstanceRef;
  const lines: LogLine[] = [];
  const take =
    (level: LogLine['level']) =>
    (...parts: unknown[]): void => {
      lines.push({ level, text: parts.map((part) => (part instanceof Error ? part.stack : String(part))).join(' ') });
    };
  Logger.overrideLogger({
    log: take('log'),
    error: take('error'),
    warn: take('warn'),
    debug: take('debug'),
    verbose: take('verbose'),
    fatal: take('fatal'),
  });
  return {
    lines,
    at: (level) => lines.filter((line) => line.level === level).map((line) => line.text),
    restore: () => {
      holder.staticInstanceRef = before;
    },
  };
}
