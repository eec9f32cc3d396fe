import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** One refused field of a `VALIDATION_FAILED` or `INVALID_TEXT` problem. */
export class FieldProblemResponse {
  @ApiProperty({ example: 'amount' })
  field!: string;

  @ApiProperty({ example: '#/amount', description: 'The field as a JSON pointer fragment.' })
  pointer!: string;

  @ApiProperty({ example: 'amount must be a positive number' })
  detail!: string;
}

/** Every error answer: RFC 9457 problem details, `application/problem+json`. */
export class ProblemResponse {
  @ApiProperty({ example: 'urn:problem-type:es-domain-rule' })
  type!: string;

  @ApiProperty({ example: 'Business rule violated' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 422 })
  status!: number;

  @ApiProperty({ example: 'Account 00c07500-… holds 1250, less than the 5000 asked for.' })
  detail!: string;

  @ApiProperty({ description: 'Stable: match on it, never on title or detail.', example: 'ES_DOMAIN_RULE' })
  code!: string;

  @ApiProperty({ example: '/accounts/00c07500-…/withdrawals' })
  instance!: string;

  @ApiProperty({ description: 'Also in the X-Correlation-Id header and in the logs.', format: 'uuid' })
  correlationId!: string;

  @ApiPropertyOptional({ description: 'The broken business rule (ES_DOMAIN_RULE).', example: 'insufficient-funds' })
  rule?: string;

  @ApiPropertyOptional({ type: [FieldProblemResponse], description: 'Each refused field (VALIDATION_FAILED).' })
  errors?: FieldProblemResponse[];
}

/**
 * Documents a problem answer of a route or controller: its status, when it comes (the
 * codes), and the problem+json schema. The descriptions are Markdown: write `{id}`, not
 * angle brackets, which the docs page would take for HTML.
 */
export function ApiProblem(status: number, description: string): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemResponse, FieldProblemResponse),
    ApiResponse({
      status,
      description,
      content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResponse) } } },
    }),
  );
}

/** The answers every route with a JSON body may give for bad input. */
export function ApiBadBody(): MethodDecorator {
  return applyDecorators(
    ApiProblem(
      400,
      'Bad input, nothing written: `VALIDATION_FAILED` (each field in `errors`), `MALFORMED_JSON`, `JSON_TOO_DEEP`, `FORBIDDEN_JSON_KEY`, `INVALID_TEXT`.',
    ),
    ApiProblem(413, 'The body is over 64 KiB (`PAYLOAD_TOO_LARGE`).'),
    ApiProblem(415, 'The body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).'),
  );
}
