import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { inputProblem, type InputOrigin } from './input-check';

/**
 * A global pipe that refuses query and path parameters, and bodies, PostgreSQL cannot take as text:
 * a NUL character (`%00`) or a lone UTF-16 surrogate answers 400 `INVALID_TEXT` naming
 * the parameter, before any handler can hand it to SQL (where it would fail as a 500);
 * so do `__proto__`, `constructor` and `prototype` keys and nesting past `maxDepth`
 * (query and form parsers that build objects). JSON bodies are checked when they are
 * parsed too (see `applyHttpConventions`, which registers this pipe ahead of the
 * `ValidationPipe`), so a route that reads the raw body gets only checked input.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  /** @param maxDepth deepest nesting of objects and arrays accepted in a parameter. */
  constructor(private readonly maxDepth = 32) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const origin = originOf(metadata);
    if (!origin) return value;
    const problem = inputProblem(value, origin, this.maxDepth);
    if (problem) throw problem;
    return value;
  }
}

function originOf({ type, data }: ArgumentMetadata): InputOrigin | undefined {
  if (type === 'query')
    return data ? { label: `the query parameter ${data}`, field: data } : { label: 'the query', field: '' };
  if (type === 'param')
    return data ? { label: `the path parameter ${data}`, field: data } : { label: 'the path', field: '' };
  // JSON bodies were checked when parsed; others (a form, with acceptBodies: 'any') only here.
  if (type === 'body')
    return data ? { label: `the body field ${data}`, field: data } : { label: 'the request body', field: '' };
  return undefined;
}
