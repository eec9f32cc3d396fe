import { Logger as NestLogger } from '@nestjs/common';
import type { Logger, LoggerOptions, QueryRunner } from 'typeorm';
import { errorMessage } from '../errors/error-message';

/** Where the current correlation id comes from (the module's `MessageContext`). @internal */
export interface CorrelationSource {
  current(): { correlationId: string } | undefined;
}

/**
 * TypeORM's logger for the module's data source, through Nest's `Logger` (context
 * `Database`). A failed statement is logged by its name (the SQL verb and the table it
 * reaches, `UPDATE bank_account_views`), its SQLSTATE and the correlation id of the
 * work that ran it; never by its parameters or PostgreSQL's message, which quote the
 * values (personal data, secrets). Slow statements likewise; with `logging: ['query']`
 * the SQL text is logged, still without parameters. The module's `logging` option
 * chooses what is logged, as TypeORM's does (default: errors only).
 * @internal
 */
export class StatementLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  constructor(
    private readonly logging: LoggerOptions,
    private readonly context?: CorrelationSource,
  ) {}

  logQuery(query: string): void {
    if (this.enabled('query')) this.logger.debug(`${oneLine(query)}${this.correlation()}`);
  }

  logQueryError(error: string | Error, query: string, _parameters?: unknown, _runner?: QueryRunner): void {
    if (!this.enabled('error')) return;
    this.logger.warn(`${statementName(query)} failed: ${errorMessage(error)}${this.correlation()}`);
  }

  logQuerySlow(time: number, query: string): void {
    if (this.enabled('warn')) this.logger.warn(`${statementName(query)} took ${time} ms${this.correlation()}`);
  }

  logSchemaBuild(message: string): void {
    if (this.enabled('schema')) this.logger.log(message);
  }

  logMigration(message: string): void {
    if (this.enabled('migration')) this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (!this.enabled(level)) return;
    const text = String(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }

  private enabled(level: 'query' | 'error' | 'warn' | 'schema' | 'migration' | 'log' | 'info'): boolean {
    const { logging } = this;
    return logging === true || logging === 'all' || (Array.isArray(logging) && logging.includes(level));
  }

  private correlation(): string {
    const id = this.context?.current()?.correlationId;
    return id ? ` [correlation ${id}]` : '';
  }
}

const TARGET = /\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)/i;

/**
 * A statement's name for a log line: its first keyword and the first table it names
 * (`SELECT FROM "bank_account_views"`), which hold no value of the statement. @internal
 */
export function statementName(query: string): string {
  const text = oneLine(query);
  const verb = /^\s*(?:WITH\b.*?\)\s*)?([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'statement';
  const target = TARGET.exec(text)?.[1];
  return target ? `${verb} ${target}` : verb;
}

function oneLine(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}
