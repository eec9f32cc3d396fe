import { Logger, type INestApplication, type NestApplicationOptions, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventSourcingError } from '../errors/event-sourcing-error';

/** Options of {@link startHttpApp}. */
export interface StartHttpAppOptions<T extends INestApplication> {
  /** The port to listen on. */
  port: number;
  /** The address to listen on. Default: every address, as Nest's `listen(port)`. */
  host?: string;
  /** The environment variable the port comes from, named when it is in use (`'PORT'`). */
  portVariable?: string;
  /**
   * Options for `NestFactory.create`. `bufferLogs`, `autoFlushLogs` and `abortOnError` are
   * set here: logs are buffered until the app listens (a refused start prints only its
   * line), and a failed bootstrap throws instead of aborting the process.
   */
  appOptions?: NestApplicationOptions;
  /** Configures the created app before it listens: logger, `applyHttpConventions`, docs. */
  setUp?: (app: T) => void | Promise<void>;
}

/**
 * Creates, sets up and starts a Nest HTTP application, the way a `main.ts` should. It
 * resolves once the app listens. When the library refused the start (an
 * `EventSourcingError`: the embedded database in use by another process, bad options,
 * ...) or the port is taken, it ends the process with exit code 1 and one line on
 * stderr, not a stack trace, after closing the app (so an embedded PostgreSQL it
 * started is stopped). An unexpected error ends the process too, with the logs and the
 * stack.
 * @example
 * await startHttpApp<NestExpressApplication>(AppModule, {
 *   port: Number(process.env.PORT ?? 3000),
 *   portVariable: 'PORT',
 *   setUp: (app) => applyHttpConventions(app),
 * });
 */
export async function startHttpApp<T extends INestApplication = NestExpressApplication>(
  module: Type<unknown>,
  options: StartHttpAppOptions<T>,
): Promise<T> {
  let app: T | undefined;
  try {
    const appOptions = { ...options.appOptions, bufferLogs: true, autoFlushLogs: false, abortOnError: false };
    app = await NestFactory.create<T>(module, appOptions);
    await options.setUp?.(app);
    await (options.host === undefined ? app.listen(options.port) : app.listen(options.port, options.host));
  } catch (error) {
    // Nest has logged a failed bootstrap already (buffered); a failure after it, it has not.
    const loggedByNest = app === undefined;
    await app?.close().catch(() => undefined);
    const line = startFailureLine(error, options);
    if (line === undefined) {
      Logger.flush();
      if (!loggedByNest) console.error(error);
    }
    return exit(line);
  }
  app.flushLogs();
  return app;
}

/** The one line that explains a failed start, or undefined when it is unexpected. */
function startFailureLine(
  error: unknown,
  options: Pick<StartHttpAppOptions<INestApplication>, 'port' | 'portVariable'>,
): string | undefined {
  if (error instanceof EventSourcingError) return `${error.code}: ${error.message}`;
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
    const other = options.portVariable ? `set ${options.portVariable} to another port` : 'listen on another port';
    return `Port ${options.port} is in use: stop the process that listens on it, or ${other}.`;
  }
  return undefined;
}

function exit(line: string | undefined): Promise<never> {
  process.exitCode = 1;
  return new Promise<never>(() => {
    if (line === undefined) process.exit(1);
    else process.stderr.write(`${line}\n`, () => process.exit(1));
  });
}
