import { InvalidQueryError } from '../errors/invalid-query-error';
import { InvalidTagError } from '../errors/invalid-tag-error';
import { textProblem } from './text-problem';

/** Longest accepted tag, in characters (`key:value` together). */
export const MAX_TAG_LENGTH = 200;
/** Most tags one event may carry. */
export const MAX_TAGS_PER_EVENT = 32;

/** What is wrong with `tag` as a tag, or undefined when it is a good `key:value` string. */
function tagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string') return 'is not a string';
  if (tag.length > MAX_TAG_LENGTH) return `is longer than ${MAX_TAG_LENGTH} characters`;
  const colon = tag.indexOf(':');
  if (colon < 1 || colon === tag.length - 1 || tag.trim() !== tag) {
    return "is not of the form 'key:value' (both non-empty, no surrounding spaces)";
  }
  return textProblem(tag);
}

/**
 * The tags of the event at `index` of a batch, checked, without repeats, sorted.
 * @throws InvalidTagError for a tag that is not a `key:value` string of at most
 *   {@link MAX_TAG_LENGTH} characters, or more than {@link MAX_TAGS_PER_EVENT} tags.
 * @internal
 */
export function prepareTags(tags: unknown, index: number): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw new InvalidTagError(index, tags, 'list is not an array');
  for (const tag of tags as unknown[]) {
    const problem = tagProblem(tag);
    if (problem) throw new InvalidTagError(index, tag, problem);
  }
  const unique = [...new Set(tags as string[])].sort();
  if (unique.length > MAX_TAGS_PER_EVENT) {
    throw new InvalidTagError(index, unique, `count is ${unique.length}, over the limit of ${MAX_TAGS_PER_EVENT}`);
  }
  return unique;
}

/**
 * Tags given to a read or a query (events carrying all of them), checked.
 * @throws InvalidQueryError naming `option` for anything but a list of good tags.
 * @internal
 */
export function queryTags(option: string, tags: unknown): string[] {
  if (!Array.isArray(tags)) throw new InvalidQueryError(option, tags, "give an array of 'key:value' tags");
  for (const tag of tags as unknown[]) {
    const problem = tagProblem(tag);
    if (problem) throw new InvalidQueryError(option, tag, `a tag ${problem}`);
  }
  return [...new Set(tags as string[])].sort();
}

/** Whether `carried` (sorted or not) holds every one of `wanted`. @internal */
export function carriesAll(carried: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((tag) => carried.includes(tag));
}
