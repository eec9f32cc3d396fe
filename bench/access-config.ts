import type { OperationRate } from './stats';

/** The sizes of the authorization section. */
export interface AccessParams {
  /** Connections in the cell's pool. */
  poolSize: number;
  /** Runs of each cell, interleaved, each in a fresh process. */
  runs: number;
  /** Workers at once, each on aggregates of its own (no version conflicts). */
  workers: number;
  /** Commands each worker sends per run. */
  commandsPerWorker: number;
}

const FULL: AccessParams = { poolSize: 16, runs: 5, workers: 16, commandsPerWorker: 250 };

/** Quick mode: fewer runs and commands; the shape stays. */
const QUICK: AccessParams = { ...FULL, runs: 2, commandsPerWorker: 60 };

/** The section's sizes for a full or a quick run. */
export function accessParams(quick: boolean): AccessParams {
  return quick ? QUICK : FULL;
}

/**
 * The cells, in the order each round runs them: the command without a check; with the
 * route-style check before it (`assert`, one read of the permissions read model); with
 * the handler's check (`require`: no read, the check folded into the append's one
 * statement, its permission row locked FOR SHARE).
 */
export const ACCESS_CELLS = ['unchecked', 'asserted', 'required'] as const;
export type AccessCell = (typeof ACCESS_CELLS)[number];

/** What a cell is given. */
export interface AccessCellSpec {
  url: string;
  cell: AccessCell;
  cellId: string;
  params: AccessParams;
}

/** What a cell measured. */
export type AccessCellResult = OperationRate;
