// Lint: typescript-eslint's recommended rules, and Nx module boundaries that keep each service
// out of the others' internals (shared code lives in libs, reached only through its index).
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const SERVICES = [
  '@hallmark/offer-service',
  '@hallmark/authorization-server',
  '@hallmark/credential-service',
  '@hallmark/audit-projector',
];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'tmp/**', '.hallmark/**', 'coverage/**', '**/*.js', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:host', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:service'] },
          ],
        },
      ],
    },
  },
  {
    // Only the one-process host and the end-to-end suite compose services; a service never imports another.
    files: ['apps/hallmark/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: SERVICES,
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
);
