import { textProblem } from '../store/text-problem';
import { ProblemException } from './problem.exception';
import { fieldProblem } from './validation-problem';

/**
 * Keys that reach an object's prototype machinery when copied naively (prototype
 * pollution: `__proto__`, `constructor`, `prototype`), and the names of
 * `Object.prototype`'s members (`toString`, `hasOwnProperty`, ...), which
 * class-transformer skips without a word, so `forbidNonWhitelisted` would never see them.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** A value met on the walk, with the way back to the root for rendering its path. */
interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

/** Where a checked value came from, for the problem's wording: `the request body`, `the query`. */
export interface InputOrigin {
  /** How the detail names the whole value: "the request body", "the path parameter id". */
  label: string;
  /** The field path of the whole value ('' for a body or a query, 'id' for a path parameter). */
  field: string;
}

/**
 * Checks request input before anything recurses into it (class-transformer does, and
 * overflows the stack on deep input): at most `maxDepth` nested objects and arrays, no
 * `__proto__`, `constructor` or `prototype` key at any depth, and no string or key
 * PostgreSQL cannot store (a NUL character, a lone surrogate). The walk is iterative, so
 * any depth is safe to check. Answers the problem to send (400), or `undefined`.
 * @internal
 */
export function inputProblem(input: unknown, origin: InputOrigin, maxDepth: number): ProblemException | undefined {
  // A JSON body is checked when it is parsed and again by SafeInputPipe: walk it once.
  const object = typeof input === 'object' && input !== null ? input : undefined;
  const passedAt = object && passed.get(object);
  if (passedAt !== undefined && passedAt <= maxDepth) return undefined;
  const problem = walk(input, origin, maxDepth);
  if (object && !problem) passed.set(object, maxDepth);
  return problem;
}

/** Inputs already found fine, with the depth limit they were checked against. */
const passed = new WeakMap<object, number>();

function walk(input: unknown, origin: InputOrigin, maxDepth: number): ProblemException | undefined {
  const pending: Visit[] = [{ value: input, depth: 0, parent: undefined, key: origin.field }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return invalidText(visit, `${describe(visit, origin)} ${problem}`);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = visit.depth + 1;
    if (depth > maxDepth) {
      return new ProblemException(
        400,
        'JSON_TOO_DEEP',
        `${capitalized(origin.label)} nests objects and arrays more than ${maxDepth} levels deep (at ${pathOf(visit) || 'the top'}); send a flatter value.`,
        { extensions: { maxDepth } },
      );
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, depth, parent: visit, key: index }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const child: Visit = { value: item, depth, parent: visit, key };
      if (FORBIDDEN_KEYS.has(key)) {
        return new ProblemException(
          400,
          'FORBIDDEN_JSON_KEY',
          `${capitalized(origin.label)} has a "${key}" key (at ${pathOf(child)}); the keys __proto__, constructor, prototype and the names of Object.prototype's members are refused at any depth. Remove it.`,
          { extensions: { errors: [fieldProblem(pathOf(child), `"${key}" is not an accepted key`)] } },
        );
      }
      const problem = textProblem(key);
      if (problem)
        return invalidText(child, `A key in ${visit.parent ? `the field ${pathOf(visit)}` : origin.label} ${problem}`);
      pending.push(child);
    }
  }
  return undefined;
}

/**
 * The 400 problem `INVALID_TEXT` for a text PostgreSQL cannot store, in a body, a query
 * or a path parameter; `field` is the dotted path of the value.
 * @internal
 */
export function invalidTextProblem(field: string, detail: string): ProblemException {
  return new ProblemException(400, 'INVALID_TEXT', `${detail}. Remove the character and retry.`, {
    extensions: { errors: [fieldProblem(field, detail)] },
  });
}

function invalidText(visit: Visit, detail: string): ProblemException {
  return invalidTextProblem(pathOf(visit), detail);
}

function describe(visit: Visit, origin: InputOrigin): string {
  return visit.parent ? `The field ${pathOf(visit)}` : capitalized(origin.label);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The dotted path of a visit (`items.0.text`), as validation problems name fields. */
function pathOf(visit: Visit): string {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at; at = at.parent) if (at.key !== '') keys.push(at.key);
  return keys.reverse().join('.');
}
