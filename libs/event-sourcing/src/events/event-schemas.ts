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
      if (!ts.isCallExpression(call)) continue;
      const name = calleeName(ts, checker, call.expression);
      if (name === 'DomainEvent') readEvent(ts, checker, node, call, found);
      if (name === 'Upcaster') readUpcaster(ts, checker, call.arguments[0], found);
    }
  }
  if (ts.isObjectLiteralExpression(node)) readUpcaster(ts, checker, node, found);
  ts.forEachChild(node, (child) => visit(ts, checker, child, found));
}

/** The name a decorator is declared with, through an import renaming it. */
function calleeName(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): string | undefined {
  if (!ts.isIdentifier(expression)) return undefined;
  const symbol = checker.getSymbolAtLocation(expression);
  if (!symbol) return expression.text;
  const declared = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return declared.name === 'unknown' ? expression.text : declared.name;
}

function readEvent(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.ClassDeclaration,
  call: TS.CallExpression,
  found: EventSchemas,
): void {
  const [typeArgument, options] = call.arguments;
  const className = node.name?.text ?? '(anonymous class)';
  const type = typeArgument && literalOf(ts, checker, typeArgument);
  if (typeof type !== 'string') throw unreadable(ts, node, `${className}'s event type name`);
  let revision = 1;
  if (options) {
    if (!ts.isObjectLiteralExpression(options)) throw unreadable(ts, node, `${className}'s @DomainEvent options`);
    const given = property(ts, options, 'revision');
    if (given) {
      const value = literalOf(ts, checker, given);
      if (typeof value !== 'number') throw unreadable(ts, node, `${className}'s revision`);
      revision = value;
    }
  }
  const classType = checker.getTypeAtLocation(node);
  const fields: Record<string, string> = {};
  for (const symbol of checker.getPropertiesOfType(classType)) {
    if (!(symbol.flags & ts.SymbolFlags.Property)) continue;
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const shape = shapeOf(ts, checker, checker.getTypeOfSymbolAtLocation(symbol, node), node, 0, new Set());
    fields[optional ? `${symbol.name}?` : symbol.name] = optional ? withoutUndefined(shape) : shape;
  }
  const existing = found.events[type];
  if (existing) {
    throw new ConfigurationError(
      `Two classes declare the event type "${type}": ${existing.className} and ${className}.`,
    );
  }
  found.events[type] = { className, revision, fields: sortedKeys(fields) };
}

/** Types shown by name: their shape is the platform's, not the event's. */
const OPAQUE = new Set(['Date', 'Map', 'Set', 'RegExp', 'Promise', 'Uint8Array', 'Buffer', 'URL']);

/**
 * A type written out to its leaves, nested objects and interfaces included, so a field
 * added to an `Address` an event holds changes the event's shape too.
 */
function shapeOf(
  ts: typeof TS,
  checker: TS.TypeChecker,
  type: TS.Type,
  node: TS.Node,
  depth: number,
  seen: Set<TS.Type>,
): string {
  if (type.isUnion()) {
    // Unions of plain types print as TypeScript writes them (`number | null`, `boolean`).
    if (!type.types.some((member) => isStructured(ts, member))) {
      return checker.typeToString(type, node, ts.TypeFormatFlags.NoTruncation);
    }
    return type.types.map((member) => shapeOf(ts, checker, member, node, depth, seen)).join(' | ');
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as TS.TypeReference);
    return element ? `${shapeOf(ts, checker, element, node, depth + 1, seen)}[]` : checker.typeToString(type, node);
  }
  if (!isStructured(ts, type) || depth >= 6 || seen.has(type) || type.getCallSignatures().length > 0) {
    return checker.typeToString(type, node, ts.TypeFormatFlags.NoTruncation);
  }
  seen.add(type);
  const members = checker
    .getPropertiesOfType(type)
    .filter((symbol) => symbol.flags & ts.SymbolFlags.Property)
    .map((symbol) => {
      const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
      const shape = shapeOf(ts, checker, checker.getTypeOfSymbolAtLocation(symbol, node), node, depth + 1, seen);
      return `${symbol.name}${optional ? '?' : ''}: ${optional ? withoutUndefined(shape) : shape}`;
    })
    .sort();
  seen.delete(type);
  return `{ ${members.join('; ')} }`;
}

/** An object type whose fields make the shape (not a Date, a Map, a function). */
function isStructured(ts: typeof TS, type: TS.Type): boolean {
  const name = type.getSymbol()?.name;
  return (type.flags & ts.TypeFlags.Object) !== 0 && !(name && OPAQUE.has(name));
}

/** An optional field's type without the `undefined` its `?` adds. */
function withoutUndefined(shape: string): string {
  return shape.replace(/ \| undefined$/, '').replace(/^undefined \| /, '');
}

/** The value of a string or number literal, or of a constant holding one. */
function literalOf(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): string | number | undefined {
  if (ts.isStringLiteralLike(expression)) return expression.text;
  if (ts.isNumericLiteral(expression)) return Number(expression.text);
  const type = checker.getTypeAtLocation(expression);
  if (type.isStringLiteral() || type.isNumberLiteral()) return type.value;
  return undefined;
}

function unreadable(ts: typeof TS, node: TS.Node, what: string): ConfigurationError {
  const file = node.getSourceFile();
  const { line } = ts.getLineAndCharacterOfPosition(file, node.getStart());
  return new ConfigurationError(
    `Cannot read ${what} at ${file.fileName}:${line + 1}: write it as a literal, or a constant of a literal type, so the event-schema check can read it.`,
  );
}

/** An `@Upcaster({ type, fromRevision })` argument, or any object literal of that shape. */
function readUpcaster(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node | undefined, found: EventSchemas): void {
  if (!node || !ts.isObjectLiteralExpression(node)) return;
  const fromNode = property(ts, node, 'fromRevision');
  const typeNode = property(ts, node, 'type');
  if (!fromNode || !typeNode) return;
  const fromRevision = literalOf(ts, checker, fromNode);
  const type = literalOf(ts, checker, typeNode);
  if (typeof fromRevision !== 'number' || typeof type !== 'string') return;
  const revisions = (found.upcasters[type] ??= []);
  if (!revisions.includes(fromRevision)) revisions.push(fromRevision);
}

/** The initializer of a property of an object literal, by name. */
function property(ts: typeof TS, node: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  for (const member of node.properties) {
    if (!ts.isPropertyAssignment(member)) continue;
    const key = ts.isIdentifier(member.name) || ts.isStringLiteralLike(member.name) ? member.name.text : undefined;
    if (key === name) return member.initializer;
  }
  return undefined;
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
