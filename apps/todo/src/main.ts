import { startHttpApp } from 'nest-event-sourcing';
import { EventSourcingLoggerModule, useRequestLogger } from 'nest-event-sourcing/logging';
import { Logger, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { setUpTodoApp } from './set-up-todo-app';
import { TodoModule } from './todo.module';
import { todoEnvironment, type TodoEnvironmentValues } from './todo-environment';

/**
 * The todo app as a process runs it: its module, and a log line per request with the correlation id
 * on every line (LOG_FORMAT json or pretty, LOG_LEVEL). Tests create the TodoModule alone.
 */
@Module({
  imports: [
    TodoModule,
    EventSourcingLoggerModule.forRootAsync({
      inject: [todoEnvironment.KEY],
      useFactory: (env: TodoEnvironmentValues) => ({
        format: env.LOG_FORMAT === 'text' ? 'pretty' : env.LOG_FORMAT,
        level: env.LOG_LEVEL,
      }),
    }),
  ],
})
class TodoProcess {}

async function bootstrap(): Promise<void> {
  // Read before the app exists; a PORT that is no port stops the start in the environment's validation.
  const port = Number(process.env.PORT ?? 3001);
  // A refused start (embedded data folder in use, port taken) ends with one line on stderr and exit code 1.
  await startHttpApp<NestExpressApplication>(TodoProcess, {
    port,
    portVariable: 'PORT',
    setUp: (app) => {
      useRequestLogger(app);
      // Shutdown hooks included: SIGTERM/SIGINT close the app, connections first, then the embedded database.
      setUpTodoApp(app);
    },
  });
  Logger.log(`Todo API on http://localhost:${port} (docs at /docs, GET /health)`, 'Bootstrap');
}

void bootstrap();
