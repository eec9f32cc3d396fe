import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BankModule } from './bank.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(BankModule);
  // SIGTERM/SIGINT close the app: connections first, then the embedded database.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  Logger.log(`Bank API on http://localhost:${port} (GET /health)`, 'Bootstrap');
}

void bootstrap();
