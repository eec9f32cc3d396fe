import { applyHttpConventions } from 'nest-event-sourcing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * Everything the bank app configures on the application rather than in modules: the
 * HTTP conventions (64 kB JSON bodies, validation, shutdown hooks) and the OpenAPI
 * docs at /docs. main.ts and the end-to-end tests both call it, before init.
 */
export function setUpBankApp(app: NestExpressApplication): void {
  applyHttpConventions(app, { bodyLimit: '64kb' });
  const config = new DocumentBuilder()
    .setTitle('Bank API')
    .setDescription('Accounts, deposits and withdrawals, event-sourced. Errors are application/problem+json.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
}
