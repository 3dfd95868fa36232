import { App, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TODAY_CONTEXT_KEY } from '../constructs/governance/clock';
import type { GovernedEnvironmentProps } from '../constructs/platform/environment-props';
import { GovernedEnvironment } from '../constructs/platform/governed-environment';
import type { GovernedInferenceServiceProps } from '../constructs/workloads/inference-service-props';

/** Tests pin "today" so review-by and expiry checks do not depend on the day they run. */
export const TODAY = '2026-11-22';

export function testApp(): App {
  return Testing.app({ context: { [TODAY_CONTEXT_KEY]: TODAY } });
}

export function testStack(app: App = testApp(), id = 'test'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  return stack;
}

export const OWNER = {
  team: 'ai-platform',
  accountable: 'dana.lee@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops@example.com',
  reviewBy: '2027-05-31',
};

export const MODELS = ['anthropic.claude-3-haiku-20240307-v1:0', 'amazon.titan-embed-text-v2:0'];
/** The role that runs Terraform in tests' environments. */
export const DEPLOYER = 'arn:aws:iam::123456789012:role/platform-ci';
/** Registered approvers of tests' environments, each with the role only they can act as. */
export const APPROVERS = [
  { email: 'incident-commander@example.com', principalArn: 'arn:aws:iam::123456789012:role/approvers/incident-commander' },
  { email: 'sre-lead@example.com', principalArn: 'arn:aws:iam::123456789012:role/approvers/sre-lead' },
];
export const DIGEST = 'sha256:' + 'a'.repeat(64);

/** Image sources of the test environment: the example account's ECR, the example registry, and Docker Hub's library (`r@sha256:...`). */
export const IMAGE_SOURCES: GovernedEnvironmentProps['imageSources'] = [
  { ecr: { accountId: '123456789012', region: 'eu-west-1', repositories: ['*'] } },
  { registry: 'ghcr.io/example' },
  { registry: 'docker.io/library' },
];

export function envProps(overrides: Partial<GovernedEnvironmentProps> = {}): GovernedEnvironmentProps {
  return {
    name: 'dev',
    tier: 'non-production',
    imageSources: IMAGE_SOURCES,
    owner: OWNER,
    network: { vpcId: 'vpc-0abc12345678', privateSubnetIds: ['subnet-0aaa11112222', 'subnet-0bbb33334444'] },
    region: 'eu-west-1',
    allowedRegions: ['eu-west-1'],
    allowedModels: MODELS,
    deployerRoleArns: [DEPLOYER],
    approvers: APPROVERS,
    allowedToolTargets: {
      credentialSecrets: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/*'],
      functions: ['arn:aws:lambda:eu-west-1:123456789012:function:runbook-*'],
    },
    kubernetes: {
      clusterName: 'ai-workloads',
      gatewayNamespace: 'ai-gateway',
      gatewayPodLabels: { app: 'ai-gateway' },
      gatewayVpcLinkId: 'vl4test',
      gatewayNlbDnsName: 'gw.internal.example.com',
    },
    ...overrides,
  };
}

export function environment(stack: TerraformStack, overrides: Partial<GovernedEnvironmentProps> = {}): GovernedEnvironment {
  return new GovernedEnvironment(stack, 'env', envProps(overrides));
}

export const PRODUCT_OWNER = {
  team: 'customer-support',
  accountable: 'maria.chen@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops@example.com',
  reviewBy: '2027-03-31',
};

export function serviceProps(env: GovernedInferenceServiceProps['environment'], overrides: Partial<GovernedInferenceServiceProps> = {}): GovernedInferenceServiceProps {
  return {
    environment: env,
    name: 'chat',
    owner: PRODUCT_OWNER,
    dataClassification: 'confidential',
    model: { bedrock: { modelId: MODELS[0] } },
    ...overrides,
  };
}

/** The synthesized Terraform JSON of a stack, parsed. */
export type TfJson = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; provider?: any; output?: Record<string, any> };

export function synth(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack));
}

/** Every resource of a type, as [name, config]. */
export function resources(json: TfJson, type: string): [string, any][] {
  return Object.entries(json.resource?.[type] ?? {});
}

export function only(json: TfJson, type: string, nameIncludes = ''): any {
  const matches = resources(json, type).filter(([n]) => n.includes(nameIncludes));
  if (matches.length !== 1) throw new Error(`expected one ${type} matching '${nameIncludes}', found ${matches.map(([n]) => n).join(', ') || 'none'}`);
  return matches[0][1];
}

/** Parses a JSON policy string; statements as an array. */
export function statements(policy: string): any[] {
  return JSON.parse(policy).Statement;
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
