import type { IncomingMessage } from 'node:http';
import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { checkJsonBodies, isJsonType, jsonBodiesOnly, mediaType } from './json-bodies';
import { SafeInputPipe } from './safe-input.pipe';
import { validationProblem } from './validation-problem';

/** Options of {@link applyHttpConventions}. */
export interface HttpConventionsOptions {
  /** Largest JSON body in bytes (or a size text such as `'64kb'`); larger ones answer 413. Default 64 KiB. */
  bodyLimit?: number | string;
  /**
   * Deepest nesting of objects and arrays accepted in a JSON body (and in a query
   * parameter a query parser turned into an object); deeper answers 400 `JSON_TOO_DEEP`
   * before class-transformer recurses into it. Default 32.
   */
  maxJsonDepth?: number;
  /**
   * `'json'` (the default): a request whose body is not JSON (form-encoded, text,
   * multipart) answers 415 `UNSUPPORTED_MEDIA_TYPE`. `'any'` lets other bodies through
   * to Nest's own parsers, for an app with, say, an upload route.
   */
  acceptBodies?: 'json' | 'any';
}

/**
 * The application-level half of the HTTP conventions (the module-level half is
 * `EventSourcingHttpModule`). Call it before `app.init()` or `app.listen()`, in
 * `main.ts` and in end-to-end tests alike. It sets:
 *
 * - no `X-Powered-By` header, no body-hash `ETag`s of Express (an ETag is a version here);
 * - JSON bodies only (415 `UNSUPPORTED_MEDIA_TYPE` otherwise, see `acceptBodies`), up to
 *   `bodyLimit` (413), nested at most `maxJsonDepth` deep (400 `JSON_TOO_DEEP`), with no
 *   `__proto__`, `constructor` or `prototype` key (400 `FORBIDDEN_JSON_KEY`) and no
 *   NUL character or lone surrogate in any string or key (400 `INVALID_TEXT`);
 * - the same text rule on every query and path parameter ({@link SafeInputPipe});
 * - a global `ValidationPipe` that strips nothing silently (`whitelist` +
 *   `forbidNonWhitelisted`: unknown fields answer 400), transforms input into its DTO
 *   classes and answers failures with {@link validationProblem};
 * - shutdown hooks (SIGTERM closes the app).
 *
 * Bad input of these kinds is refused before any handler runs, so it writes nothing.
 * @example
 * const app = await NestFactory.create<NestExpressApplication>(AppModule);
 * applyHttpConventions(app, { bodyLimit: '64kb' });
 * await app.listen(3000);
 */
export function applyHttpConventions(app: NestExpressApplication, options: HttpConventionsOptions = {}): void {
  const maxDepth = options.maxJsonDepth ?? 32;
  // Nothing to gain from telling clients the framework.
  app.disable('x-powered-by');
  // An ETag here is an aggregate's version (VersionETagInterceptor), which clients send
  // back as If-Match; Express's own weak body-hash tags would only be mistaken for one.
  app.set('etag', false);
  // Ahead of every parser, so a form or a text body is never parsed at all.
  if ((options.acceptBodies ?? 'json') === 'json') app.use(jsonBodiesOnly());
  // Registered before init, it replaces Nest's default JSON parser (limit 100 kB);
  // `+json` media types are JSON too.
  app.useBodyParser('json', {
    limit: options.bodyLimit ?? 64 * 1024,
    type: (request: IncomingMessage) => isJsonType(mediaType(request.headers['content-type'])),
  });
  app.use(checkJsonBodies(maxDepth));
  app.useGlobalPipes(
    new SafeInputPipe(maxDepth),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationProblem,
    }),
  );
  app.enableShutdownHooks();
}
