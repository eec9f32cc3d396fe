import type { OperationRate } from './stats';

/** The sizes of the personal data section. */
export interface PersonalDataParams {
  /** Connections in the cell's pool. */
  poolSize: number;
  /** Runs of each cell, interleaved, each in a fresh process. */
  runs: number;
  /** Accounts opened per run of the plain and the personal cell, one after another. */
  appends: number;
  /** Subjects forgotten per run of the forget cell (their accounts made untimed first). */
  forgets: number;
  /** Events of each account the forget cell makes: its opening, then deposits. */
  eventsPerAccount: number;
}

const FULL: PersonalDataParams = { poolSize: 16, runs: 5, appends: 2_000, forgets: 300, eventsPerAccount: 10 };

/** Quick mode: fewer runs and operations; the shapes stay. */
const QUICK: PersonalDataParams = { ...FULL, runs: 2, appends: 400, forgets: 60 };

/** The section's sizes for a full or a quick run. */
export function personalDataParams(quick: boolean): PersonalDataParams {
  return quick ? QUICK : FULL;
}

/** The cells of the section, in the order each round runs them. */
export const PERSONAL_DATA_CELLS = ['plain', 'personal', 'forget'] as const;
export type PersonalDataCell = (typeof PERSONAL_DATA_CELLS)[number];

/** What a cell is given: its workload, its database, its sizes. */
export interface PersonalDataCellSpec {
  url: string;
  cell: PersonalDataCell;
  cellId: string;
  params: PersonalDataParams;
}

/** What a cell measured. */
export type PersonalDataCellResult = OperationRate;
