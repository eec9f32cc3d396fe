import { Injectable } from '@nestjs/common';

/**
 * How transfers behave, from the environment: transfers of at least
 * `TRANSFER_APPROVAL_LIMIT` cents (default 1,000,000) wait for `POST /transfers/:id/approve`
 * after the debit, and are refunded if no approval comes within
 * `TRANSFER_APPROVAL_TIMEOUT_MS` (default 60,000).
 */
@Injectable()
export class TransferSettings {
  readonly approvalLimit = positive('TRANSFER_APPROVAL_LIMIT', 1_000_000);
  readonly approvalTimeoutMs = positive('TRANSFER_APPROVAL_TIMEOUT_MS', 60_000);
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}".`);
  return value;
}
