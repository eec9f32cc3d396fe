import { Inject, Injectable } from '@nestjs/common';
import { bankEnvironment, type BankEnvironmentValues } from '../bank-environment';

/**
 * How transfers behave, from the environment: transfers of at least
 * `TRANSFER_APPROVAL_LIMIT` cents (default 1,000,000) wait for `POST /transfers/:id/approve`
 * after the debit, and are refunded if no approval comes within
 * `TRANSFER_APPROVAL_TIMEOUT_MS` (default 60,000).
 */
@Injectable()
export class TransferSettings {
  readonly approvalLimit: number;
  readonly approvalTimeoutMs: number;

  constructor(@Inject(bankEnvironment.KEY) env: BankEnvironmentValues) {
    this.approvalLimit = env.TRANSFER_APPROVAL_LIMIT ?? 1_000_000;
    this.approvalTimeoutMs = env.TRANSFER_APPROVAL_TIMEOUT_MS ?? 60_000;
  }
}
