import { z } from 'zod';
import type { IGovernedEnvironment } from '../governance/environment';
import { MAX_ROTATION_DAYS } from '../governance/rotation';

/**
 * The environment contract: what a platform stack publishes (the SSM parameter
 * `/governance/<env>/contract`, and its Terraform output `contract`) and what a product stack
 * reads, live at plan and from its pinned copy at synth. This file is the one place a field is
 * declared: one line below. A field named like a property of `IGovernedEnvironment` is published
 * from that property and read back into it (see {@link PUBLISHED_AS} for the few that are not), so
 * adding a field is one line here once the environment has the property.
 *
 * Validation uses zod (https://zod.dev, pinned in package.json); {@link contractJsonSchema} gives
 * the same schema as JSON Schema (draft 2020-12) for other tools.
 */

/** Contract schema version: bump when a field changes meaning (adding a field does not). */
export const CONTRACT_VERSION = 2;

const text = (allowed: string) => z.string({ error: allowed }).min(1, { error: allowed });
const pattern = (re: RegExp, allowed: string) => z.string({ error: allowed }).regex(re, { error: allowed });
const arn = (service: string) => pattern(new RegExp(`^arn:aws[a-z-]*:${service}:`), `an ${service} ARN (arn:aws:${service}:...)`);
const days = (min: number, max: number, allowed: string) => z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
const region = pattern(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region name like "eu-west-1"');
const email = pattern(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'an e-mail address');

/** One line per field. Order is for readers only: Terraform's jsonencode sorts keys. */
export const CONTRACT_FIELDS = {
  version: z.literal(CONTRACT_VERSION, { error: `contract schema version ${CONTRACT_VERSION}` }),
  name: pattern(/^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/, 'an environment name (a lowercase slug of at most 16 characters)'),
  production: z.boolean({ error: 'true or false' }),
  region,
  allowedRegions: z.array(region, { error: 'a list of AWS region names' }).min(1, { error: 'at least one region' }),
  accountId: pattern(/^\d{12}$/, 'a 12-digit AWS account id'),
  accountability: z.object({ team: text('the owning team'), accountable: email, approver: email, revoker: email, reviewBy: pattern(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD') }, { error: 'an object { team, accountable, approver, revoker, reviewBy }' }),
  kmsKeyArn: arn('kms'),
  permissionBoundaryArn: arn('iam'),
  integrationBoundaryArn: arn('iam'),
  allowedToolTargets: z.object({ credentialSecrets: z.array(arn('secretsmanager')), credentialKeys: z.array(arn('kms')), functions: z.array(arn('lambda')) }, { error: 'an object { credentialSecrets, credentialKeys, functions } of ARN patterns' }),
  iamNamePrefix: pattern(/^[a-z0-9-]+-[a-z0-9]+-$/, 'the IAM name prefix <env>-<region code>-'),
  rolePath: pattern(/^\/governed\/[a-z0-9-]+\/$/, 'an IAM path /governed/<env>/'),
  integrationRolePath: pattern(/^\/governed\/[a-z0-9-]+\/integration\/$/, 'an IAM path /governed/<env>/integration/'),
  logRetentionDays: days(1, 3653, 'a whole number of days (CloudWatch retention)'),
  secretRotationDays: days(1, 3653, 'a whole number of days'),
  secretRecoveryDays: days(7, 30, 'a whole number of days from 7 to 30 (Secrets Manager recovery window)'),
  allowedModels: z.array(text('a Bedrock model id'), { error: 'a list of Bedrock model ids' }).min(1, { error: 'at least one model' }),
  guardrail: z.object({ arn: arn('bedrock'), id: text('a guardrail id'), version: text('a guardrail version') }, { error: 'an object { arn, id, version }' }),
  auditArchiveBucket: text('an S3 bucket name'),
  rotationFunctionArn: arn('lambda'),
  rotationRoleArn: arn('iam'),
  deployerRoleArns: z.array(arn('iam'), { error: 'a list of IAM role ARNs' }),
  invocationLogGroupName: text('the CloudWatch log group that receives Bedrock model invocation logs'),
  network: z.object({ vpcId: text('a VPC id'), vpcCidr: text('a CIDR block'), subnetIds: z.array(text('a subnet id')).min(1, { error: 'at least one subnet' }), endpointIps: z.array(text('an IPv4 address')) }, { error: 'an object { vpcId, vpcCidr, subnetIds, endpointIps }' }),
  vpcEndpoints: z.object({ executeApi: text('a VPC endpoint id') }, { error: 'an object { executeApi }' }),
  gateway: z.object(
    {
      restApiId: text('a REST API id'),
      executionArn: arn('execute-api'),
      stageName: text('a stage name'),
      invokeUrl: pattern(/^https:\/\//, "the stage's https URL"),
      functionRoleArn: arn('iam'),
      usagePlanIds: z.record(z.string(), text('a usage plan id')),
      accessLogGroupArn: arn('logs'),
      routeParameterPrefix: pattern(/^\/governance\/[a-z0-9-]+\/routes\/$/, 'the SSM path /governance/<env>/routes/'),
      agentParameterPrefix: pattern(/^\/governance\/[a-z0-9-]+\/agents\/$/, 'the SSM path /governance/<env>/agents/'),
    },
    { error: 'an object describing the gateway' },
  ),
  quotaTiers: z.record(z.string(), z.object({ ratePerSecond: z.number(), burst: z.number(), monthlyRequests: z.number() }), { error: 'the quota tiers' }),
  agentPolicyStore: z.object({ policyStoreId: text('a policy store id'), arn: arn('verifiedpermissions') }, { error: 'an object { policyStoreId, arn }' }),
  approvers: z.record(z.string(), arn('kms'), { error: "an object of approver e-mail to signing key ARN" }),
  kubernetes: z
    .object({ clusterName: text('an EKS cluster name'), gatewayNamespace: text('a namespace'), gatewayPodLabels: z.record(z.string(), z.string()), gatewayVpcLinkId: text('a VPC link id'), gatewayNlbDnsName: text('a DNS name') }, { error: 'an object describing the Kubernetes runtime, or null' })
    .nullable(),
};

/** The fields not published from the same-named property of IGovernedEnvironment, and how they are. */
export const PUBLISHED_AS = {
  version: () => CONTRACT_VERSION,
  production: (env: IGovernedEnvironment) => env.isProduction,
  kubernetes: (env: IGovernedEnvironment) => env.kubernetes ?? null,
} satisfies { [K in ContractField]?: (env: IGovernedEnvironment) => unknown };

/** Fields published from the environment property of the same name. */
type PublishedFromEnvironment = Exclude<ContractField, keyof typeof PUBLISHED_AS>;

/**
 * The contract's fields as the environment gives them (values may be Terraform tokens). A compile
 * error in this function names a field that is neither in {@link PUBLISHED_AS} nor a property of
 * IGovernedEnvironment: add the property to the environment, or say here how it is published.
 */
export function contractBody(env: IGovernedEnvironment): Record<ContractField, unknown> {
  const body = {} as Record<ContractField, unknown>;
  for (const field of Object.keys(CONTRACT_FIELDS) as ContractField[]) {
    body[field] = field in PUBLISHED_AS ? PUBLISHED_AS[field as keyof typeof PUBLISHED_AS](env) : env[field as PublishedFromEnvironment];
  }
  return body;
}

/** Hex SHA-256 of the contract without `revision`, as Terraform computes it: `sha256(jsonencode(contract))`. */
export const REVISION = pattern(/^[0-9a-f]{64}$/, 'a hex SHA-256 (64 characters) computed by the platform stack');

/** The published contract: every field, plus the revision Terraform computed over them. */
export const ENVIRONMENT_CONTRACT = z.object({ ...CONTRACT_FIELDS, revision: REVISION });

export type ContractField = keyof typeof CONTRACT_FIELDS;
/** The contract as published and pinned. */
export type EnvironmentContract = z.infer<typeof ENVIRONMENT_CONTRACT>;
/** The contract's fields without the revision (what the revision is computed over). */
export type ContractBody = Omit<EnvironmentContract, 'revision'>;

/** Floors the contract must respect wherever it is read: pinned at synth, live at plan. */
export const CONTRACT_FLOORS = {
  /** Log retention floor in days, production and elsewhere. */
  retentionDays: { production: 365, other: 90 },
  /** Longest secret rotation period in days. */
  maxRotationDays: MAX_ROTATION_DAYS,
} as const;

/** The retention floor of an environment. */
export function retentionFloor(production: boolean): number {
  return production ? CONTRACT_FLOORS.retentionDays.production : CONTRACT_FLOORS.retentionDays.other;
}

/** The contract as JSON Schema (draft 2020-12), e.g. for an editor's `$schema` or another language. */
export function contractJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ENVIRONMENT_CONTRACT),
    title: 'cdktf-ai-governance environment contract',
    description: `Published by a platform stack as /governance/<env>/contract; pinned by product repositories with \`cdktf-ai-governance contract export\`. Schema version ${CONTRACT_VERSION}.`,
  };
}
