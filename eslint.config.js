// Lint rules: typescript-eslint's type-aware recommended set, plus the
// promise rules that matter in a daemon (no floating or misused promises).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'drivers/**/*.mjs', 'examples/**', 'test/fixtures/**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Handler tables and hooks are async by contract, whether or not a given one awaits.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Settings are resolved once, by the CLI, into a context (src/core/context.ts): nothing below it reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/commands/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Take it from the context (src/core/context.ts); only src/cli reads the environment.' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'node:process', importNames: ['env'], message: 'Take it from the context (src/core/context.ts).' }, { name: 'process', importNames: ['env'], message: 'Take it from the context (src/core/context.ts).' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The npm bin is CommonJS (bin/package.json), so that Node starts no ES module loader for it.
    files: ['bin/run.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
