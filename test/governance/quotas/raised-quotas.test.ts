import { TerraformStack, Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { GovernedEnvironmentProps } from '../../../constructs/platform/environment-props';
import { GovernedEnvironment } from '../../../constructs/platform/governed-environment';
import { parseContractLiteral } from './contract-literal';
import { parseQuotaArguments } from '../../../constructs/policy-engine/quotas/raised-quotas';
import { quotaUsage } from '../../../constructs/policy-engine/quotas/quota-usage';
import { fromSynthJson } from '../../../constructs/policy-engine/terraform-json';
import { envProps, only, synth, testApp, testStack } from '../../support';

/** Raised quotas declared on the environment (validated at synth, published in the contract) and given to check --quota. */

const build = (serviceQuotas: unknown) => () => new GovernedEnvironment(testStack(), 'env', envProps({ serviceQuotas } as Partial<GovernedEnvironmentProps>));

describe('GovernedEnvironment serviceQuotas', () => {
  test('publishes the declared quotas in the contract as serviceQuotas', () => {
    const stack: TerraformStack = testStack();
    new GovernedEnvironment(stack, 'env', envProps({ serviceQuotas: { 'iam.roles-per-account': 5000, 'apigateway.usage-plans-per-account-region': 600 } }));
    const contract = parseContractLiteral(only(synth(stack), 'aws_ssm_parameter', 'contract').value);
    expect(contract.serviceQuotas).toEqual({ 'iam.roles-per-account': 5000, 'apigateway.usage-plans-per-account-region': 600 });
  });
  test('publishes an empty serviceQuotas when none is declared', () => {
    const stack = testStack();
    new GovernedEnvironment(stack, 'env', envProps());
    expect(parseContractLiteral(only(synth(stack), 'aws_ssm_parameter', 'contract').value).serviceQuotas).toEqual({});
  });
  test('fails when serviceQuotas names a quota the table does not have', () => {
    expect(build({ 'iam.role-per-account': 5000 })).toThrow(/serviceQuotas\["iam\.role-per-account"\]: got "iam\.role-per-account"; allowed: a quota id of the table \(README "Quotas"\): .*iam\.roles-per-account.*; fix: use the id of the quota AWS raised/);
  });
  test('fails when a declared value is not above the default', () => {
    expect(build({ 'iam.roles-per-account': 1000 })).toThrow(/serviceQuotas\["iam\.roles-per-account"\]: got 1000; allowed: a whole number above the default 1000 and at most 5000, the highest AWS raises it to; fix: declare the value AWS applied/);
  });
  test('fails when a declared value is above the maximum AWS documents', () => {
    expect(build({ 'iam.managed-policies-per-role': 25 })).toThrow(/serviceQuotas\["iam\.managed-policies-per-role"\]: got 25; allowed: a whole number above the default 10 and at most 20/);
  });
  test('fails when a declared value is not a whole number', () => {
    expect(build({ 'apigateway.stages-per-api': 12.5 })).toThrow(/serviceQuotas\["apigateway\.stages-per-api"\]: got 12\.5; allowed: a whole number above the default 10/);
  });
  test('fails when the quota is one AWS does not raise', () => {
    expect(build({ 'apigateway.private-apis-per-account-region': 900 })).toThrow(/got 900; allowed: a quota AWS raises; "Private APIs per account per Region" \(API Gateway\) is not adjustable; fix: remove it: AWS does not raise it\./);
  });
  test('fails when serviceQuotas is not an object', () => {
    expect(build([5000])).toThrow(/serviceQuotas: got \[5000\]; allowed: an object of quota id to raised value/);
  });
});

describe('check --quota arguments', () => {
  test('parses repeated id=value arguments', () => {
    expect(parseQuotaArguments(['iam.roles-per-account=5000', 'apigateway.stages-per-api=20'])).toEqual({ 'iam.roles-per-account': 5000, 'apigateway.stages-per-api': 20 });
  });
  test('fails when an argument is not id=value', () => {
    expect(() => parseQuotaArguments(['iam.roles-per-account:5000'])).toThrow(/--quota iam\.roles-per-account:5000: expected <quota id>=<whole number>/);
  });
  test('fails when the id is unknown', () => {
    expect(() => parseQuotaArguments(['roles=5000'])).toThrow(/--quota roles: got "roles"; allowed: a quota id of the table/);
  });
  test('fails when the value is not above the default', () => {
    expect(() => parseQuotaArguments(['apigateway.stages-per-api=5'])).toThrow(/--quota apigateway\.stages-per-api: got 5; allowed: a whole number above the default 10/);
  });
  test('fails when one id is given twice with different values', () => {
    expect(() => parseQuotaArguments(['apigateway.stages-per-api=20', 'apigateway.stages-per-api=30'])).toThrow(/given twice with different values \(20 and 30\)/);
  });
});

describe('the multi-account layout of README "Quotas"', () => {
  test("pinning each stack's AWS provider to its account makes the counter count IAM roles per account", () => {
    const app = testApp();
    const stacks = ['111111111111', '222222222222'].map((account, i) => {
      const stack = testStack(app, `env-${i}`);
      (stack.node.findChild('aws') as AwsProvider).allowedAccountIds = [account];
      new IamRole(stack, 'role', { assumeRolePolicy: '{}' });
      return fromSynthJson(JSON.parse(Testing.synth(stack)), stack.node.id);
    });
    const roles = quotaUsage(stacks).usages.filter((u) => u.quota.id === 'iam.roles-per-account');
    expect(roles.map((u) => [u.scope.account, u.used])).toEqual([['111111111111', 1], ['222222222222', 1]]);
  });
});
