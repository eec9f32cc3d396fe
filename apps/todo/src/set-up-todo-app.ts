import { applyHttpConventions } from 'nest-event-sourcing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * What the todo app configures on the application: the HTTP conventions (64 kB JSON
 * bodies, validation, shutdown hooks) and the OpenAPI docs at /docs. main.ts and the
 * end-to-end tests both call it, before init.
 */
export function setUpTodoApp(app: NestExpressApplication): void {
  applyHttpConventions(app, { bodyLimit: '64kb' });
  const config = new DocumentBuilder()
    .setTitle('Todo API')
    .setDescription('Todo lists and their items, event-sourced. Errors are application/problem+json.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
}
