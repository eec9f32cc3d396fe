// npm run start:dev [-- todo]: compiles the library and the app in watch mode and runs
// the app with `node --watch`, which restarts it whenever its compiled files change.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = process.argv[2] ?? 'bank';
if (!['bank', 'todo'].includes(app)) {
  console.error(`Usage: node scripts/dev.mjs bank|todo (got "${app}")`);
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const children = [];

function run(args, options = {}) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', ...options });
  children.push(child);
  return child;
}

function build(project) {
  return new Promise((resolve, reject) => {
    run([tsc, '-p', project]).once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p ${project} failed`)),
    );
  });
}

const lib = 'libs/event-sourcing/tsconfig.build.json';
const project = `apps/${app}/tsconfig.app.json`;
// One build first, so the app starts on complete output; then watchers keep it current.
await build(lib);
await build(project);
for (const config of [lib, project]) run([tsc, '-w', '--preserveWatchOutput', '-p', config]);
run(['--watch', `dist/apps/${app}/src/main.js`]);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(0);
  });
}
