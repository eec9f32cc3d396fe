/** What every account command answers: where the account stands after it. */
export interface AccountCommandResult {
  id: string;
  version: number;
  /** Global position of the last event written, as a string (JSON has no bigint). */
  position: string | null;
  balance: number;
}
