import { problemForError } from '../http/problem-for-error';
import { EventSourcingError } from './event-sourcing-error';
import { TransactionConflictError } from './transaction-conflict-error';

describe('TransactionConflictError', () => {
  it('has a stable code, its class name and the cause, and says that nothing was written and to run it again', () => {
    const cause = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const error = new TransactionConflictError({ cause });
    expect(error).toBeInstanceOf(EventSourcingError);
    expect(error).toMatchObject({ code: 'ES_TRANSACTION_CONFLICT', name: 'TransactionConflictError', cause });
    expect(error.message).toBe(
      'The transaction was rolled back because it conflicted with a concurrent transaction (a deadlock or a ' +
        'serialization failure). Nothing of it was written; run it again.',
    );
  });

  it('answers HTTP 409 with its code and a title, as a conflict worth retrying', () => {
    const problem = problemForError(new TransactionConflictError());
    expect(problem).toMatchObject({
      status: 409,
      code: 'ES_TRANSACTION_CONFLICT',
      title: 'Transaction conflict',
      log: 'none',
    });
    expect(problem.detail).toMatch(/run it again/);
  });
});
