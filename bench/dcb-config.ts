import type { OperationRate } from './stats';

/** The sizes of the decisions (DCB) section. */
export interface DcbParams {
  /** Connections in the cell's pool. */
  poolSize: number;
  /** Runs of each cell, interleaved, each in a fresh process. */
  runs: number;
  /** Single-event appends per run of the plain and the conditional cell, one after another. */
  appends: number;
  /** Events seeded for the read cell: each with a list tag (20 events a list) and an owner tag. */
  seededEvents: number;
  /** Reads per run of the read cell. */
  reads: number;
  /** Writers of the contended cell, and the decisions they commit together per run. */
  writers: number;
  decisions: number;
}

const FULL: DcbParams = {
  poolSize: 16,
  runs: 5,
  appends: 2_000,
  seededEvents: 1_000_000,
  reads: 2_000,
  writers: 16,
  decisions: 500,
};

/** Quick mode: fewer runs, appends and reads, a tenth of the seed; the shapes stay. */
const QUICK: DcbParams = { ...FULL, runs: 2, appends: 400, seededEvents: 100_000, reads: 400, decisions: 100 };

/** The section's sizes for a full or a quick run. */
export function dcbParams(quick: boolean): DcbParams {
  return quick ? QUICK : FULL;
}

/** The cells of the section, in the order each round runs them. */
export const DCB_CELLS = ['plain', 'conditional', 'read', 'contended'] as const;
export type DcbCell = (typeof DCB_CELLS)[number];

/** What a cell is given: its workload, its database, its sizes. */
export interface DcbCellSpec {
  url: string;
  cell: DcbCell | 'seed';
  cellId: string;
  params: DcbParams;
}

/** What a cell measured. */
export interface DcbCellResult extends OperationRate {
  /** Decisions that failed their condition and were decided again (contended cell). */
  retries?: number;
}
