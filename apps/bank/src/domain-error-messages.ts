import type { DomainError, DomainErrorDescription, ProblemReader } from 'nest-event-sourcing';
import { AccountClosedError } from './accounts/errors/account-closed.error';
import { BalanceLimitError } from './accounts/errors/balance-limit.error';
import { InsufficientFundsError } from './accounts/errors/insufficient-funds.error';
import { ApprovalExpiredError } from './transfers/errors/approval-expired.error';

/**
 * The bank's broken rules in German, for clients that ask for it (`Accept-Language: de`);
 * every other reader gets the errors' own English messages. The problem's `rule` and
 * values are the same in every language.
 */
export function describeBankError(
  error: DomainError,
  { languages }: ProblemReader,
): DomainErrorDescription | undefined {
  if (!languages.some((tag) => tag === 'de' || tag.startsWith('de-'))) return undefined;
  const detail = german(error);
  return detail === undefined ? undefined : { detail, language: 'de' };
}

function german(error: DomainError): string | undefined {
  if (error instanceof InsufficientFundsError) {
    return `Konto ${error.accountId} hat ${error.balance} Cent, weniger als die verlangten ${error.amount}.`;
  }
  if (error instanceof BalanceLimitError) {
    return `Konto ${error.accountId} hält ${error.committed} Cent; ${error.amount} mehr überschritte die Grenze.`;
  }
  if (error instanceof AccountClosedError) return `Konto ${error.accountId} ist geschlossen.`;
  if (error instanceof ApprovalExpiredError) {
    return `Die Überweisung ${error.transferId} kann nicht mehr freigegeben werden: ihre Frist ist abgelaufen.`;
  }
  return undefined;
}
