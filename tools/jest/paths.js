// Maps the tsconfig path aliases (@hallmark/*) to their source files for jest.
const { compilerOptions } = require('../../tsconfig.base.json');
const path = require('path');

exports.pathsToModuleNameMapper = () =>
  Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
      `^${alias.replace('/', '\\/')}$`,
      path.join(__dirname, '../..', target),
    ]),
  );
