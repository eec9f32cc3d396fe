import { formatETag, parseIfMatch } from './etag';
import { ProblemException } from './problem.exception';

describe('ETag and If-Match', () => {
  it('formats a version as a strong entity tag', () => {
    expect(formatETag(7)).toBe('"7"');
  });

  it.each<[string | undefined, number | undefined]>([
    ['"7"', 7],
    ['"0"', 0],
    [' "12" ', 12],
    [undefined, undefined],
    ['', undefined],
    ['*', undefined],
  ])('reads If-Match %p as expected version %p', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it.each(['7', '"-1"', '"1.5"', '"07"', '"abc"', 'W/"7"', '"1", "2"', '"1234567890123456"'])(
    'rejects If-Match %p with a 400 problem',
    (header) => {
      const error = thrownBy(() => parseIfMatch(header));
      expect(error).toBeInstanceOf(ProblemException);
      expect(error).toMatchObject({ code: 'INVALID_IF_MATCH' });
      expect((error as ProblemException).getStatus()).toBe(400);
    },
  );

  it('rejects several If-Match headers', () => {
    expect(() => parseIfMatch(['"1"', '"2"'])).toThrow(/one If-Match header/);
  });
});

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}
