import { startBankApp, type BankTestApp } from './support/bank-app';

// The bank's OpenAPI document (/docs-json) describes what the API does: every query
// parameter with its type, a schema for every answer, the problem+json schema for every
// error status, integers as integers, and descriptions the docs page renders whole.

interface Operation {
  tags?: string[];
  parameters?: { in: string; name: string; schema?: { type?: string } }[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  description?: string;
}

let bank: BankTestApp;
let paths: Record<string, Record<string, Operation>>;
let schemas: Record<string, { properties?: Record<string, { type?: string }> }>;

beforeAll(async () => {
  bank = await startBankApp('bank_openapi');
  const { body } = await bank.http().get('/docs-json').expect(200);
  paths = body.paths;
  schemas = body.components.schemas;
});
afterAll(() => bank?.close());

const operations = (): [string, Operation][] =>
  Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );

it('documents the query parameters of the reads, integers as integers', () => {
  const query = (method: string, path: string) =>
    Object.fromEntries(
      (paths[path]![method]!.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema?.type]),
    );
  expect(query('get', '/accounts')).toEqual({
    limit: 'integer',
    after: 'string',
    email: 'string',
    minPosition: 'string',
  });
  expect(query('get', '/accounts/{id}')).toEqual({ minPosition: 'string' });
  expect(query('get', '/accounts/{id}/transactions')).toEqual({
    limit: 'integer',
    before: 'integer',
    minPosition: 'string',
  });
  expect(query('get', '/events')).toMatchObject({ limit: 'integer' });
});

it('gives every success a schema and every error status the problem+json schema', () => {
  const missing = operations().flatMap(([name, op]) =>
    Object.entries(op.responses).flatMap(([status, response]) => {
      if (name === 'GET /health') return [];
      const error = Number(status) >= 400;
      const content = response.content ?? {};
      if (error && !content['application/problem+json']) return [`${name} ${status}: no problem schema`];
      if (!error && status !== '204' && Object.keys(content).length === 0) return [`${name} ${status}: no schema`];
      return [];
    }),
  );
  expect(missing).toEqual([]);
});

it('types counts and money as integers in the answers', () => {
  for (const [schema, fields] of [
    ['AccountResponse', ['balance', 'version']],
    ['TransactionResponse', ['amount', 'balanceAfter', 'version']],
    ['AccountStateResponse', ['balance', 'version']],
    ['TransferResponse', ['amount', 'version']],
    ['ProblemResponse', ['status']],
  ] as const) {
    for (const field of fields)
      expect([schema, field, schemas[schema]!.properties![field]!.type]).toEqual([schema, field, 'integer']);
  }
});

it('writes no angle-bracket placeholders the docs page would swallow as HTML, and names tags one way', () => {
  const texts = operations().flatMap(([name, op]) => [
    [name, op.description ?? ''],
    ...Object.values(op.responses).map((r) => [name, r.description ?? '']),
  ]);
  expect(texts.filter(([, text]) => /<[a-z]/i.test(text!))).toEqual([]);
  const tags = new Set(operations().flatMap(([, op]) => op.tags ?? []));
  expect([...tags].sort()).toEqual(['accounts', 'health', 'operator', 'transfers']);
});
