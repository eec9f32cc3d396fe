import { IsInt, IsNotEmpty, IsPositive, IsString, Matches, Max, MaxLength } from 'class-validator';
import { MAX_BALANCE } from '../accounts/money';

/**
 * The body of an external deposit on `bank-inbound.deposits`:
 * `{ "accountId": "…", "amount": 500, "reference": "pay-123" }`, the amount in cents.
 * Its `Nats-Msg-Id` is the reference.
 */
export class ExternalDeposit {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId!: string;

  /** Minor units (cents), a whole number from 1 to 10^15; never rounded (the library refuses inexact numbers). */
  @IsInt()
  @IsPositive()
  @Max(MAX_BALANCE)
  amount!: number;

  /** The payer's reference: each is deposited at most once per account. */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'reference must be 1 to 200 printable ASCII characters' })
  reference!: string;
}
