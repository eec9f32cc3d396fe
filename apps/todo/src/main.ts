import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TodoModule } from './todo.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(TodoModule);
  // SIGTERM/SIGINT close the app: connections first, then the embedded database.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3001);
  await app.listen(port);
  Logger.log(`Todo API on http://localhost:${port} (GET /health)`, 'Bootstrap');
}

void bootstrap();
