import { startHttpApp } from 'nest-event-sourcing';
import { EventSourcingLoggerModule, useRequestLogger } from 'nest-event-sourcing/logging';
import { Logger, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BankModule } from './bank.module';
import { setUpBankApp } from './set-up-bank-app';
import { bankEnvironment, type BankEnvironmentValues } from './bank-environment';
import { startTracing } from './tracing';

// Before the app exists, so that its first request is traced (OTEL_TRACES_EXPORTER=console).
startTracing();

/**
 * The bank app as a process runs it: its module, and a log line per request with the correlation id
 * on every line (LOG_FORMAT json or pretty, LOG_LEVEL). Tests create the BankModule alone.
 */
@Module({
  imports: [
    BankModule,
    EventSourcingLoggerModule.forRootAsync({
      inject: [bankEnvironment.KEY],
      useFactory: (env: BankEnvironmentValues) => ({
        format: env.LOG_FORMAT === 'text' ? 'pretty' : env.LOG_FORMAT,
        // LOG_SQL=true logs statements at debug level, so it lowers the level to debug.
        level: env.LOG_LEVEL ?? (env.LOG_SQL === 'true' ? 'debug' : 'info'),
      }),
    }),
  ],
})
class BankProcess {}

async function bootstrap(): Promise<void> {
  // Read before the app exists; a PORT that is no port stops the start in the environment's validation.
  const port = Number(process.env.PORT ?? 3000);
  // A refused start (embedded data folder in use, port taken) ends with one line on stderr and exit code 1.
  await startHttpApp<NestExpressApplication>(BankProcess, {
    port,
    portVariable: 'PORT',
    setUp: (app) => {
      useRequestLogger(app);
      // Shutdown hooks included: SIGTERM/SIGINT close the app, connections first, then the embedded database.
      setUpBankApp(app);
    },
  });
  Logger.log(`Bank API on http://localhost:${port} (docs at /docs, GET /health)`, 'Bootstrap');
}

void bootstrap();
