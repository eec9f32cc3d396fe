import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './problem-details';
import { ProblemException } from './problem.exception';

/**
 * An `exceptionFactory` for Nest's `ValidationPipe`: a 400 problem `VALIDATION_FAILED`
 * whose `errors` list every failed constraint with the field's path, nested ones
 * included (`items.0.text`).
 * @example
 * app.useGlobalPipes(
 *   new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationProblem }),
 * );
 */
export function validationProblem(errors: ValidationError[]): ProblemException {
  const problems = errors.flatMap((error) => fieldProblems(error, ''));
  const detail = problems.length ? problems.map((p) => p.detail).join('; ') : 'The request is invalid.';
  return new ProblemException(400, 'VALIDATION_FAILED', detail, { extensions: { errors: problems } });
}

/** A field problem from a dotted path. @internal */
export function fieldProblem(field: string, detail: string): FieldProblem {
  return { field, pointer: `#/${field.split('.').join('/')}`, detail };
}

function fieldProblems(error: ValidationError, parent: string): FieldProblem[] {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => fieldProblem(field, message));
  return [...own, ...(error.children ?? []).flatMap((child) => fieldProblems(child, field))];
}
