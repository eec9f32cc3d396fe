import { DomainError } from '../errors/domain-error';
import { acceptedLanguages } from './accepted-languages';
import { domainErrorValues } from './domain-error-values';
import { problemForError } from './problem-for-error';

class LimitExceededError extends DomainError {
  readonly tags = ['vip'];
  constructor(
    readonly accountId: string,
    readonly limit: number,
    readonly requested: bigint,
    readonly at: Date,
  ) {
    super('limit-exceeded', `Account ${accountId} may move ${limit}, not ${requested}.`, {
      details: [{ code: 'over-daily-limit', message: 'The daily limit is reached.', field: 'amount' }],
    });
  }
}

class OddValuesError extends DomainError {
  readonly callback = () => 1;
  readonly nan = Number.NaN;
  readonly map = new Map([[1, 2]]);
  readonly nested = { ok: [1, 'two', null] };
  constructor() {
    super('odd', 'Odd.');
  }
}

describe('a DomainError as a problem', () => {
  it('carries the rule, the details and every field the error declares, as JSON', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const problem = problemForError(new LimitExceededError('a-1', 500, 12345678901234567890n, at));
    expect(problem).toMatchObject({ status: 422, code: 'ES_DOMAIN_RULE', detail: expect.stringContaining('a-1') });
    expect(problem.extensions).toEqual({
      rule: 'limit-exceeded',
      accountId: 'a-1',
      limit: 500,
      requested: '12345678901234567890',
      at: '2026-12-01T10:00:00.000Z',
      tags: ['vip'],
      details: [{ code: 'over-daily-limit', message: 'The daily limit is reached.', field: 'amount' }],
    });
  });

  it('leaves out what JSON cannot carry as it is, and keeps plain data', () => {
    expect(domainErrorValues(new OddValuesError())).toEqual({ nested: { ok: [1, 'two', null] } });
  });
});

describe('acceptedLanguages', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['de', ['de']],
    ['fr-CA, fr;q=0.8, en;q=0.5, *;q=0.1', ['fr-CA', 'fr', 'en']],
    ['en;q=0.2, de-CH', ['de-CH', 'en']],
    ['de;q=0, en', ['en']],
    ['<script>, ../../x, en', ['en']],
  ])('reads %p as %p', (header, tags) => {
    expect(acceptedLanguages(header)).toEqual(tags);
  });
});
