import { CorrelationLogger, MessageContext, startHttpApp } from 'nest-event-sourcing';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setUpTodoApp } from './set-up-todo-app';
import { TodoModule } from './todo.module';
import { todoEnvironment, type TodoEnvironmentValues } from './todo-environment';

async function bootstrap(): Promise<void> {
  // Read before the app exists; a PORT that is no port stops the start in the environment's validation.
  const port = Number(process.env.PORT ?? 3001);
  // A refused start (embedded data folder in use, port taken) ends with one line on stderr and exit code 1.
  await startHttpApp<NestExpressApplication>(TodoModule, {
    port,
    portVariable: 'PORT',
    setUp: (app) => {
      // Log lines carry the correlation id; LOG_FORMAT=json writes one JSON object per line.
      const env = app.get<TodoEnvironmentValues>(todoEnvironment.KEY);
      app.useLogger(new CorrelationLogger(app.get(MessageContext), { json: env.LOG_FORMAT === 'json' }));
      // Shutdown hooks included: SIGTERM/SIGINT close the app, connections first, then the embedded database.
      setUpTodoApp(app);
    },
  });
  Logger.log(`Todo API on http://localhost:${port} (docs at /docs, GET /health)`, 'Bootstrap');
}

void bootstrap();
