import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Loading a provider package root (`@cdktf/provider-aws/lib/index.js`) pulls in every resource
 * class of the provider: thousands of modules, tens of seconds and gigabytes per run. Synthesizing
 * the examples must only ever load the deep paths the constructs name. Jest keeps its own module
 * registry, so the examples run in a child Node process whose require.cache is the real one.
 */
const repoRoot = path.resolve(__dirname, '..', '..');
const loaded: string[] = JSON.parse(
  execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(repoRoot, 'scripts/bench/children/loaded-modules.ts')], {
    cwd: repoRoot,
    env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_TRANSPILE_ONLY: 'true' },
    encoding: 'utf8',
  }),
);

test('synthesizing the examples loads provider classes by deep path', () => {
  expect(loaded).toContain('@cdktf/provider-aws/lib/iam-role/index.js');
});

test('synthesizing the examples never loads the AWS provider package root', () => {
  expect(loaded).not.toContain('@cdktf/provider-aws/lib/index.js');
});

test('synthesizing the examples never loads the Kubernetes provider package root', () => {
  expect(loaded.some((m) => m.startsWith('@cdktf/provider-kubernetes/'))).toBe(true);
  expect(loaded).not.toContain('@cdktf/provider-kubernetes/lib/index.js');
});
