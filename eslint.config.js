// Lint: typescript-eslint's recommended rules, and Nx module boundaries that keep the layers
// (docs/architecture.md, "Layers") and keep each service out of the others' internals: shared code
// lives in libs and is reached only through its index.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const SERVICES = [
  '@hallmark/offer-service',
  '@hallmark/authorization-server',
  '@hallmark/credential-service',
  '@hallmark/audit-projector',
];

/** Which layer may import which, bottom up. A service never imports another service. */
const LAYERS = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:platform'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:platform'] },
  { sourceTag: 'type:host', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:platform', 'type:service'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:platform', 'type:testing'],
  },
  {
    sourceTag: 'type:tooling',
    onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:platform', 'type:testing'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:domain',
      'type:infra',
      'type:platform',
      'type:testing',
      'type:service',
      'type:host',
    ],
  },
];

const boundaries = (extra = {}) => [
  'error',
  { enforceBuildableLibDependency: false, banTransitiveDependencies: false, depConstraints: LAYERS, ...extra },
];

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'tmp/**',
      '.hallmark/**',
      'coverage/**',
      '**/*.js',
      'bench/results/**',
      'third_party/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(),
    },
  },
  {
    // The one-process host and the end-to-end suite compose the services, which Nx sees as apps
    // (imports of apps are otherwise refused whatever the tags say); the layers above still hold.
    files: ['apps/hallmark/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries({ allow: SERVICES }) },
  },
);
