/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  // Nest 12, parse-duration and jose ship ES modules; jest's CommonJS runtime needs them transformed.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // The build in dist/ is loaded as it is (global setup starts the embedded server from it).
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|parse-duration|jose)/)',
    '<rootDir>/dist/',
    '<rootDir>/libs/event-sourcing/dist/',
  ],
  // Apps and tests import the package by its name, through the workspace link; this
  // condition of its exports map resolves that to the sources, so a test process holds
  // one copy of the library (its own specs import the sources) and needs no build.
  testEnvironmentOptions: { customExportConditions: ['nest-event-sourcing:source', 'node', 'require', 'default'] },
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 3,
};
