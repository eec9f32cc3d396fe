import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { validationProblem } from './validation-problem';

/** Options of {@link applyHttpConventions}. */
export interface HttpConventionsOptions {
  /** Largest JSON body in bytes (or a size text such as `'64kb'`); larger ones answer 413. Default 64 KiB. */
  bodyLimit?: number | string;
}

/**
 * The application-level half of the HTTP conventions (the module-level half is
 * `EventSourcingHttpModule`): no `X-Powered-By` header, no body-hash `ETag`s of Express
 * (an ETag is a version here), a JSON body limit, a global `ValidationPipe` that strips
 * nothing silently (`whitelist` + `forbidNonWhitelisted`: unknown fields answer 400),
 * transforms bodies into their DTO classes and answers failures with
 * {@link validationProblem}, and shutdown hooks (SIGTERM closes the app). Call it
 * before `app.init()` or `app.listen()`, in `main.ts` and in end-to-end tests alike.
 * @example
 * const app = await NestFactory.create<NestExpressApplication>(AppModule);
 * applyHttpConventions(app, { bodyLimit: '64kb' });
 * await app.listen(3000);
 */
export function applyHttpConventions(app: NestExpressApplication, options: HttpConventionsOptions = {}): void {
  // Nothing to gain from telling clients the framework.
  app.disable('x-powered-by');
  // An ETag here is an aggregate's version (VersionETagInterceptor), which clients send
  // back as If-Match; Express's own weak body-hash tags would only be mistaken for one.
  app.set('etag', false);
  // Registered before init, it replaces Nest's default JSON parser (limit 100 kB).
  app.useBodyParser('json', { limit: options.bodyLimit ?? 64 * 1024 });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationProblem,
    }),
  );
  app.enableShutdownHooks();
}
