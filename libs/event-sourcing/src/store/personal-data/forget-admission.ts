/**
 * Decides, inside a forget's transaction (the subject's key locked, the streams holding
 * its data known), whether the forget may go on; it throws to refuse, and nothing is
 * erased. The tenant scope registers one, so a tenant forgets only what its own streams
 * hold. @internal
 */
export type ForgetAdmission = (subject: string, streamIds: readonly string[]) => Promise<void>;

const ADMISSIONS = new WeakMap<object, ForgetAdmission>();

/** Makes every forget of `store` ask `admission` first. @internal */
export function admitForgetsWith(store: object, admission: ForgetAdmission): void {
  ADMISSIONS.set(store, admission);
}

/** The admission registered for `store`, if any. @internal */
export function forgetAdmissionOf(store: object): ForgetAdmission | undefined {
  return ADMISSIONS.get(store);
}
