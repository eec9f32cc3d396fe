import { CorrelationLogger, MessageContext, startHttpApp } from 'nest-event-sourcing';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BankModule } from './bank.module';
import { setUpBankApp } from './set-up-bank-app';
import { bankEnvironment, type BankEnvironmentValues } from './bank-environment';
import { startTracing } from './tracing';

// Before the app exists, so that its first request is traced (OTEL_TRACES_EXPORTER=console).
startTracing();

async function bootstrap(): Promise<void> {
  // Read before the app exists; a PORT that is no port stops the start in the environment's validation.
  const port = Number(process.env.PORT ?? 3000);
  // A refused start (embedded data folder in use, port taken) ends with one line on stderr and exit code 1.
  await startHttpApp<NestExpressApplication>(BankModule, {
    port,
    portVariable: 'PORT',
    setUp: (app) => {
      // Log lines carry the correlation id; LOG_FORMAT=json writes one JSON object per line.
      const env = app.get<BankEnvironmentValues>(bankEnvironment.KEY);
      app.useLogger(new CorrelationLogger(app.get(MessageContext), { json: env.LOG_FORMAT === 'json' }));
      // Shutdown hooks included: SIGTERM/SIGINT close the app, connections first, then the embedded database.
      setUpBankApp(app);
    },
  });
  Logger.log(`Bank API on http://localhost:${port} (docs at /docs, GET /health)`, 'Bootstrap');
}

void bootstrap();
