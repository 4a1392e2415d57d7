// Shared jest settings: swc for speed, tsconfig paths mapped to sources, ESM-only packages transformed.
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', require('./tools/jest/swc-options')] },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@openid4vc|uuid)/)'],
  moduleNameMapper: pathsToModuleNameMapper(),
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
