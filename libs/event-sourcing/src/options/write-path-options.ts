import { ConfigurationError } from '../errors/configuration-error';

/**
 * The mechanisms of the PostgreSQL append path, each of which can be turned off to
 * measure what it wins (`npm run bench` does, on and off) or to rule it out. The
 * defaults are what those measurements found (docs/benchmarks.md); group commit has its
 * own option, `appendsInFlight`.
 */
export interface WritePathOptions {
  /**
   * Skip the existence check of the expected version when this process has seen that
   * version committed (written it, or read it outside a transaction).
   */
  knownVersions?: boolean;
  /**
   * Appends of one stream from this process go out one at a time; one the previous
   * append provably overtook fails at once, without a round trip.
   */
  streamLanes?: boolean;
  /** Read the store's rows as text by position, without `pg`'s row descriptions and row objects. */
  textRows?: boolean;
}

/** The write path's switches, all set. @internal */
export type WritePathSwitches = Required<WritePathOptions>;

/** Defaults of {@link WritePathOptions}. @internal */
export const DEFAULT_WRITE_PATH: WritePathSwitches = {
  knownVersions: true,
  streamLanes: true,
  textRows: true,
};

/**
 * The `writePath` option with its defaults filled in.
 * @throws ConfigurationError for an unknown switch or one that is not a boolean; `owner` names what took it.
 * @internal
 */
export function resolveWritePath(options: WritePathOptions | undefined, owner: string): WritePathSwitches {
  const resolved = { ...DEFAULT_WRITE_PATH };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!(name in DEFAULT_WRITE_PATH)) {
      throw new ConfigurationError(
        `${owner} option writePath.${name} is unknown; the switches are ${Object.keys(DEFAULT_WRITE_PATH).join(', ')}.`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new ConfigurationError(`${owner} option writePath.${name} must be true or false, not ${String(value)}.`);
    }
    resolved[name as keyof WritePathSwitches] = value;
  }
  return resolved;
}
