import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as TS from 'typescript';
import { ConfigurationError } from '../errors/configuration-error';

/** The recorded shape of one `@DomainEvent` class: its revision and its fields' types. */
export interface EventSchema {
  /** The class that declares it, for messages. */
  className: string;
  revision: number;
  /** Field name to its type as TypeScript prints it; an optional field's name ends in `?`. */
  fields: Record<string, string>;
}

/** Every event type of a code base, with the upcasters it declares. */
export interface EventSchemas {
  /** By event type name (`bank.money-deposited`). */
  events: Record<string, EventSchema>;
  /** By event type name: the revisions an upcaster reads (`@Upcaster` or a `{ type, fromRevision }` object). */
  upcasters: Record<string, number[]>;
}

/** Where {@link readEventSchemas} looks. */
export interface EventSchemaSources {
  /** The `tsconfig.json` that compiles the code. */
  project: string;
  /** Only files under this folder count (an app's `src`). Default: every file of the project. */
  under?: string;
}

/**
 * Reads the shape of every `@DomainEvent('type', { revision })` class in a TypeScript
 * project with the compiler API (so `typescript` must be installed): each instance
 * field, inherited and constructor-parameter properties included, with its type. Also
 * reads which revisions have an upcaster. Compare two readings with
 * `checkEventSchemas`; record one with the `nest-event-sourcing-events` command.
 * @throws ConfigurationError when `typescript` is missing or the project cannot be read.
 */
export function readEventSchemas(sources: EventSchemaSources): EventSchemas {
  const ts = loadTypeScript(sources.project);
  const project = resolve(sources.project);
  const config = ts.readConfigFile(project, (path) => ts.sys.readFile(path));
  if (config.error) {
    throw new ConfigurationError(
      `Cannot read ${project}: ${ts.flattenDiagnosticMessageText(config.error.messageText, '\n')}`,
    );
  }
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(project));
  const under = sources.under === undefined ? undefined : resolve(sources.under);
  const files = parsed.fileNames.filter((file) => !under || resolve(file).startsWith(`${under}/`));
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const found: EventSchemas = { events: {}, upcasters: {} };
  for (const file of program.getSourceFiles()) {
    if (!files.includes(file.fileName)) continue;
    visit(ts, checker, file, found);
  }
  for (const revisions of Object.values(found.upcasters)) revisions.sort((a, b) => a - b);
  return found;
}

function visit(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node, found: EventSchemas): void {
  if (ts.isClassDeclaration(node)) {
    for (const decorator of ts.getDecorators(node) ?? []) {
      const call = decorator.expression;
      if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) continue;
      if (call.expression.text === 'DomainEvent') readEvent(ts, checker, node, call, found);
      if (call.expression.text === 'Upcaster') readUpcaster(ts, call.arguments[0], found);
    }
  }
  if (ts.isObjectLiteralExpression(node)) readUpcaster(ts, node, found);
  ts.forEachChild(node, (child) => visit(ts, checker, child, found));
}

function readEvent(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.ClassDeclaration,
  call: TS.CallExpression,
  found: EventSchemas,
): void {
  const [typeArgument, options] = call.arguments;
  if (!typeArgument || !ts.isStringLiteralLike(typeArgument)) return;
  const className = node.name?.text ?? '(anonymous class)';
  const revision = options && ts.isObjectLiteralExpression(options) ? numberProperty(ts, options, 'revision') : 1;
  const classType = checker.getTypeAtLocation(node);
  const fields: Record<string, string> = {};
  for (const symbol of checker.getPropertiesOfType(classType)) {
    if (!(symbol.flags & ts.SymbolFlags.Property)) continue;
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, node), node);
    fields[optional ? `${symbol.name}?` : symbol.name] = optional ? type.replace(/ \| undefined$/, '') : type;
  }
  const existing = found.events[typeArgument.text];
  if (existing) {
    throw new ConfigurationError(
      `Two classes declare the event type "${typeArgument.text}": ${existing.className} and ${className}.`,
    );
  }
  found.events[typeArgument.text] = { className, revision: revision ?? 1, fields: sortedKeys(fields) };
}

/** An `@Upcaster({ type, fromRevision })` argument, or any object literal of that shape. */
function readUpcaster(ts: typeof TS, node: TS.Node | undefined, found: EventSchemas): void {
  if (!node || !ts.isObjectLiteralExpression(node)) return;
  const fromRevision = numberProperty(ts, node, 'fromRevision');
  const type = node.properties.find(
    (p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(ts, p) === 'type',
  );
  if (fromRevision === undefined || !type || !ts.isStringLiteralLike(type.initializer)) return;
  const revisions = (found.upcasters[type.initializer.text] ??= []);
  if (!revisions.includes(fromRevision)) revisions.push(fromRevision);
}

function numberProperty(ts: typeof TS, node: TS.ObjectLiteralExpression, name: string): number | undefined {
  for (const property of node.properties) {
    if (ts.isPropertyAssignment(property) && propertyName(ts, property) === name) {
      return ts.isNumericLiteral(property.initializer) ? Number(property.initializer.text) : undefined;
    }
  }
  return undefined;
}

function propertyName(ts: typeof TS, property: TS.PropertyAssignment): string | undefined {
  return ts.isIdentifier(property.name) || ts.isStringLiteralLike(property.name) ? property.name.text : undefined;
}

function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** `typescript` from the project's point of view: it is the project's compiler, not a dependency of this package. */
function loadTypeScript(project: string): typeof TS {
  try {
    return createRequire(resolve(project))('typescript') as typeof TS;
  } catch {
    // A project outside the folder tree of its compiler (a generated one): ours, then.
  }
  try {
    return createRequire(__filename)('typescript') as typeof TS;
  } catch (error) {
    throw new ConfigurationError(
      'Reading event schemas needs the TypeScript compiler: npm install --save-dev typescript (5.x or 6.x; 7.x has no compiler API).',
      { cause: error },
    );
  }
}
