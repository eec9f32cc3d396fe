// `node scripts/check-layers.mjs`: the library's structure, checked (part of `npm run lint`).
// - Each folder of libs/event-sourcing/src has a layer; a file imports only from its own
//   layer or lower ones (the list below, bottom first). `schema/` holds every migration
//   and is imported only by the files at the root (the module and the entry points).
// - No import cycles between files.
// - No source file (specs aside) over 300 lines, in the library, the apps and the benchmark.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'libs/event-sourcing/src');

/** Bottom first. A folder's subfolders (store/postgres, sagas/memory…) share its layer. */
const LAYERS = [
  ['errors'],
  ['database'],
  ['options'],
  ['events'],
  ['observability'],
  ['store'],
  ['commands'],
  ['aggregates'],
  ['decisions'],
  ['subscriptions'],
  ['projections'],
  ['sagas'],
  // Brokers in and out: publishers are subscribers; nest-event-sourcing/brokers is its index.
  ['integration'],
  // Who may do what: authentication, the permissions read model, its checks and guard.
  ['access'],
  ['health', 'http'],
  ['operator'],
  ['config'],
  ['schema'],
  // The entry points: the package's (index.ts, the module), its testing one, the event
  // schema tool (bin), the operator CLI (cli) and the pino request logs (logging).
  ['(root)', 'testing', 'bin', 'cli', 'logging'],
];
const MAX_LINES = 300;

const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer])));

function walk(dir, files = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === '__snapshots__') continue;
    if (statSync(path).isDirectory()) walk(path, files);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const isSpec = (file) => /[.-]spec\.ts$/.test(file);
const folderOf = (file) => {
  const parts = relative(src, file).split('/');
  return parts.length === 1 ? '(root)' : parts[0];
};

/** The library files a file imports, by resolved path. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), match[1]);
    for (const candidate of [`${target}.ts`, join(target, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile()) found.push(candidate);
        break;
      } catch {
        // not this one
      }
    }
  }
  return found;
}

const problems = [];
const library = walk(src).filter((file) => !isSpec(file));
const graph = new Map(library.map((file) => [file, importsOf(file).filter((t) => t.startsWith(src))]));

for (const [file, targets] of graph) {
  const from = folderOf(file);
  const fromLayer = layerOf.get(from);
  if (fromLayer === undefined) {
    problems.push(
      `${relative(root, file)}: folder "${from}" has no layer; add it to LAYERS in scripts/check-layers.mjs`,
    );
    continue;
  }
  for (const target of targets) {
    const to = folderOf(target);
    if (to === 'schema' && from !== 'schema' && from !== '(root)') {
      problems.push(`${relative(root, file)} imports ${relative(src, target)}: only the module imports the schema`);
    } else if ((layerOf.get(to) ?? Infinity) > fromLayer) {
      problems.push(`${relative(root, file)} (${from}) imports ${relative(src, target)} (${to}), a layer above it`);
    }
  }
}

// Cycles: a depth-first walk; a back edge closes one.
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    if (state.get(target) === 'open') {
      const cycle = stack.slice(stack.indexOf(target)).concat(target);
      problems.push(`import cycle: ${cycle.map((f) => relative(src, f)).join(' -> ')}`);
    } else if (!state.has(target)) visit(target);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

const sized = [src, join(root, 'apps'), join(root, 'bench')].flatMap((dir) => walk(dir)).filter((f) => !isSpec(f));
for (const file of sized) {
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  if (lines > MAX_LINES) problems.push(`${relative(root, file)}: ${lines} lines, over ${MAX_LINES}; split it`);
}

if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `check-layers: ${library.length} library files in ${LAYERS.length} layers, no cycles, none over ${MAX_LINES} lines`,
);
