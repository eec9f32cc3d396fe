import { applyDecorators } from '@nestjs/common';
import type * as SwaggerPackage from '@nestjs/swagger';

/**
 * OpenAPI documentation of the operator routes, through `@nestjs/swagger` when the app
 * has it (an optional peer): the decorators below are no-ops without it, so the module
 * never needs it. Loaded with the module's own `require`, so the app's copy (the one its
 * `SwaggerModule` reads the metadata of) is the one used. @internal
 */
type Swagger = typeof SwaggerPackage;
type Decorator = ClassDecorator & MethodDecorator & PropertyDecorator;

const swagger: Swagger | undefined = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only if present
    return require('@nestjs/swagger') as Swagger;
  } catch {
    return undefined;
  }
})();

const none: Decorator = () => undefined;

function doc(make: (s: Swagger) => ClassDecorator | MethodDecorator | PropertyDecorator): Decorator {
  return swagger ? (make(swagger) as Decorator) : none;
}

/** The problem+json body of every error answer, inline (the app may have its own named one). */
const PROBLEM_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', example: 'urn:problem-type:es-invalid-query' },
    title: { type: 'string' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable: match on it, never on title or detail.' },
    instance: { type: 'string' },
    correlationId: { type: 'string', format: 'uuid' },
  },
};

/** Tag `operator`, bearer auth, and the 401 and 404 every operator route may answer. @internal */
export function OperatorRoutes(notFound: string): ClassDecorator {
  return applyDecorators(
    doc((s) => s.ApiTags('operator')),
    doc((s) => s.ApiBearerAuth()),
    ProblemAnswer(401, 'No or a wrong bearer token (`UNAUTHORIZED`).'),
    ProblemAnswer(404, notFound),
  );
}

/** An error answer: its status, when it comes (the codes), the problem+json schema. @internal */
export function ProblemAnswer(status: number, description: string): Decorator {
  return doc((s) =>
    s.ApiResponse({ status, description, content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } }),
  );
}

/** A success answer with its JSON schema. @internal */
export function JsonAnswer(status: number, description: string, schema: Record<string, unknown>): MethodDecorator {
  return doc((s) => s.ApiResponse({ status, description, schema }));
}

/** A 204 answer. @internal */
export function NoContentAnswer(description: string): MethodDecorator {
  return doc((s) => s.ApiNoContentResponse({ description }));
}

/** An optional query parameter of a DTO. @internal */
export function QueryDoc(options: Record<string, unknown>): PropertyDecorator {
  return doc((s) => s.ApiPropertyOptional(options));
}

/** Keeps a controller (the admin page's files) out of the document. @internal */
export function Undocumented(): ClassDecorator {
  return doc((s) => s.ApiExcludeController());
}

/** A list of objects under one key, as a schema. @internal */
export function listSchema(key: string): Record<string, unknown> {
  return { type: 'object', properties: { [key]: { type: 'array', items: { type: 'object' } } } };
}
