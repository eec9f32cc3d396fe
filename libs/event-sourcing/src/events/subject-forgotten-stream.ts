/** The type name of `SubjectForgotten`, the event a forget stores. */
export const SUBJECT_FORGOTTEN = 'es.subject-forgotten';

/** The stream the `SubjectForgotten` event of `subject` is stored in. @internal */
export function forgottenStreamId(subject: string): string {
  return `es.forgotten-${subject}`;
}
