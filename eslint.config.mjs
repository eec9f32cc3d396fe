import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const noDeepImports = {
  patterns: [
    {
      group: [
        '**/libs/event-sourcing/**',
        'nest-event-sourcing/*',
        '!nest-event-sourcing/testing',
        '!nest-event-sourcing/cli',
        '!nest-event-sourcing/logging',
        '!nest-event-sourcing/brokers',
      ],
      message:
        'Import the library by its package name, nest-event-sourcing, or one of its entry points (testing, cli, logging).',
    },
    { group: ['@nestjs/*/dist/**', '@nestjs/core/injector/**'], message: 'Use the public Nest API.' },
  ],
};

// pg's private bookkeeping of prepared statements: read in one file only (text-rows.ts,
// whose test fails when a pg release moves it), so a pg upgrade has one place to look.
const pgInternals = {
  selector: 'MemberExpression[property.name=/^(parsedStatements|submittedNamedStatements)$/]',
  message: "pg's private fields are read in store/postgres/text-rows.ts only.",
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'libs/*/dist/**',
      '*.js',
      '**/*.mjs',
      'libs/event-sourcing/static/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Stores must reject, never throw synchronously, so async methods without await are fine.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', noDeepImports],
      'no-restricted-syntax': ['error', pgInternals],
    },
  },
  {
    // The one exemption: the file that reads pg's private fields, and its test.
    files: [
      'libs/event-sourcing/src/store/postgres/text-rows.ts',
      'libs/event-sourcing/src/store/postgres/text-rows.spec.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Inside the library, never import through its own index (cycles), nor the apps.
    files: ['libs/event-sourcing/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['nest-event-sourcing', 'nest-event-sourcing/*', '**/index', '../index', './index'],
              message: 'Import the file that defines it.',
            },
            { group: ['**/apps/**'], message: 'The library does not know the apps.' },
            ...noDeepImports.patterns.slice(1),
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.alone-spec.ts',
      'test/**/*.ts',
      'libs/event-sourcing/src/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
    },
  },
  prettier,
);
