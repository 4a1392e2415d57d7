// The layers of docs/architecture.md are kept by lint: imports a layer may not make fail
// `npm run lint`, through the same eslint.config.js the lint uses.
import { execFileSync } from 'child_process';
import { ESLint } from 'eslint';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');
const RULE = '@nx/enforce-module-boundaries';

// The config object itself (ESLint would import the file, which jest's module system cannot).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(resolve(ROOT, 'eslint.config.js'));

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) });
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('module boundaries (Nx tags, eslint.config.js)', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph, as `npm run lint` does after `nx show projects`.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  }, 60_000);

  it.each([
    ['a domain lib importing infrastructure', 'libs/contracts/src/forbidden.ts', '@hallmark/issuer-keys'],
    ['a domain lib importing the platform', 'libs/oid4vc/src/forbidden.ts', '@hallmark/platform'],
    ['infrastructure importing the platform', 'libs/messaging/src/forbidden.ts', '@hallmark/platform'],
    ['a service importing another service', 'apps/offer-service/src/forbidden.ts', '@hallmark/credential-service'],
    ['a service importing test code', 'apps/credential-service/src/forbidden.ts', '@hallmark/testing'],
    ['the platform importing a service', 'libs/platform/src/forbidden.ts', '@hallmark/audit-projector'],
    ['the platform importing test code', 'libs/platform/src/forbidden.ts', '@hallmark/test-wallet'],
  ])('refuses %s', async (_what, file, target) => {
    const errors = await boundaryErrors(file, `import * as x from '${target}';\nexport const y = x;\n`);
    expect(errors).toHaveLength(1);
    // A layer violation, or (where the target already depends on the importer) the cycle it would make.
    expect(errors[0]).toMatch(/can only depend on libs tagged with|Imports of apps are forbidden|Circular dependency/);
  });

  it.each([
    ['infrastructure importing the domain', 'libs/event-store/src/allowed.ts', '@hallmark/contracts'],
    ['a service importing the platform', 'apps/offer-service/src/allowed.ts', '@hallmark/platform'],
    ['the host composing the services', 'apps/hallmark/src/allowed.ts', '@hallmark/offer-service'],
    ['the end-to-end suite importing the test harness', 'e2e/allowed.ts', '@hallmark/testing'],
  ])('allows %s', async (_what, file, target) => {
    expect(await boundaryErrors(file, `import * as x from '${target}';\nexport const y = x;\n`)).toEqual([]);
  });
});
