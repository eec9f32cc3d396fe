import { ProblemException } from './problem.exception';

const VERSION_TAG = /^"(0|[1-9][0-9]{0,14})"$/;

/**
 * The entity tag of an aggregate version, as the `ETag` header carries it: `"3"`. It is
 * strong: two representations at one version are the same.
 */
export function formatETag(version: number): string {
  return `"${version}"`;
}

/**
 * The expected version an `If-Match` header asks for: `"3"` → 3. Absent, empty or `*`
 * (any current representation) → undefined, meaning no version check.
 * @throws ProblemException 400 `INVALID_IF_MATCH` for anything else: a list of tags, a
 *   weak tag (`W/"3"` never matches under If-Match's strong comparison), or a tag that
 *   is not a version.
 */
export function parseIfMatch(header: string | readonly string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') throw invalid(header.join(', '), 'send one If-Match header');
  const value = header.trim();
  if (value === '' || value === '*') return undefined;
  const match = VERSION_TAG.exec(value);
  if (!match) {
    const hint = value.startsWith('W/')
      ? 'a weak tag never matches under If-Match; send the ETag as it came, e.g. "3"'
      : 'send one ETag of this API, a version in double quotes, e.g. "3"';
    throw invalid(value, hint);
  }
  return Number(match[1]);
}

function invalid(value: string, hint: string): ProblemException {
  return new ProblemException(400, 'INVALID_IF_MATCH', `If-Match ${JSON.stringify(value)} is not usable: ${hint}.`);
}
