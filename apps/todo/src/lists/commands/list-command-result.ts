/** What every todo list command answers: where the list stands after it. */
export interface ListCommandResult {
  id: string;
  version: number;
  /** Global position of the last event written, as a string; null when the command changed nothing. */
  position: string | null;
}
