/**
 * The most an account may hold, and the largest amount of one operation, in minor units
 * (cents): 10^15, ten trillion in major units. Far below 2^53 (about 9 × 10^15), so every
 * amount and balance, and the sum of any balance and any amount, is an exact JavaScript
 * number and an exact JSON number; a deposit or credit that would pass it is refused
 * with the rule `balance-limit` (422), never rounded.
 */
export const MAX_BALANCE = 1_000_000_000_000_000;
