import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { parseIfMatch } from './etag';

/**
 * A route parameter: the version that the request's `If-Match: "<version>"` header
 * expects, or undefined without one. Pass it to `AggregateRepository.load(id,
 * { expectedVersion })`; a mismatch then answers 412 (`PRECONDITION_FAILED`) through
 * {@link ProblemDetailsFilter}, and is never retried.
 * @throws ProblemException 400 `INVALID_IF_MATCH` for a malformed header (see {@link parseIfMatch}).
 * @example
 * @Post(':id/deposits')
 * deposit(@Param('id') id: string, @Body() body: DepositDto, @IfMatch() expectedVersion?: number) {
 *   return this.commands.execute(new DepositMoney(id, body.amount, expectedVersion));
 * }
 */
export const IfMatch = createParamDecorator((_data: unknown, context: ExecutionContext): number | undefined =>
  parseIfMatch(context.switchToHttp().getRequest<IncomingMessage>().headers['if-match']),
);
