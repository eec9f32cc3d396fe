import { createHash } from 'node:crypto';

/** A title as the uniqueness rule compares it: trimmed, case folded. */
export function normalizeTitle(title: string): string {
  return title.trim().normalize('NFC').toLocaleLowerCase('und');
}

/**
 * The tag of every event that claims, moves or frees a title: `list-title:<hash>`. A
 * hash keeps the tag short whatever the title (up to 200 characters); two titles sharing
 * one only make their decisions read each other's events, which compare titles anyway.
 */
export function titleTag(title: string): string {
  return `list-title:${createHash('sha256').update(normalizeTitle(title)).digest('base64url').slice(0, 22)}`;
}
