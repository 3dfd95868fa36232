import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Fn, TerraformStack, type App } from 'cdktf';
import { GovernanceCheckFailed, GovernedApp } from '../../constructs/policy-engine/governed-app';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import type { GovernedEnvironmentProps } from '../../constructs/platform/environment-props';
import type { ToolGrant } from '../../constructs/agent-authorization/tool-grants';
import type { GovernedAgentProps } from '../../constructs/workloads/agent-props';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import type { GovernedInferenceServiceProps } from '../../constructs/workloads/inference-service-props';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { AuditSink } from '../../constructs/platform/audit-sink';
import { EnvironmentKey } from '../../constructs/platform/environment-key';
import { Budget } from '../../constructs/primitives/budget';
import { LogSink } from '../../constructs/primitives/log-sink';
import { RotatingSecret } from '../../constructs/primitives/rotating-secret';
import { WorkloadIdentity } from '../../constructs/primitives/workload-identity';
import { PlatformStack } from '../../stacks/platform-stack';
import { WorkloadStack } from '../../stacks/workload-stack';
import { DIGEST, envProps, OWNER, PRODUCT_OWNER, serviceProps, TODAY } from '../support';
import { DEV_CONTRACT_FILE } from '../platform/contract.support';
import { agentProps, agentTools } from '../workloads/agent.support';
import { asValidationError, listFiles, literal, runBadInput, thrownFrom, type BadInput } from './bad-input';

/**
 * The bad-input matrix: every row is one bad input that must fail synth with ONE
 * GovernanceValidationError naming the construct path, the value given, what is allowed and the
 * fix, thrown by the library (not a TypeError from inside cdktf or a provider), and leaving no
 * synthesized output behind. Inputs already covered one by one in
 * test/platform/environment-validation.test.ts and test/workloads/inference-service-validation.test.ts
 * are not repeated here; this matrix adds the rest, including inputs that used to crash or pass.
 */

function stack(app: App, id = 'test'): TerraformStack {
  const s = new TerraformStack(app, id);
  new AwsProvider(s, 'aws');
  return s;
}

/** An environment row: GovernedEnvironment `test/env` with overrides. */
function env(overrides: Partial<GovernedEnvironmentProps> | Record<string, unknown>): (app: App) => void {
  return (app) => new GovernedEnvironment(stack(app), 'env', envProps(overrides as Partial<GovernedEnvironmentProps>));
}

const k8sRuntime = envProps().kubernetes!;

/**
 * An environment that allows the test agent's tools (agent.support's ticketing secret and runbook
 * function), so an agent row fails on its own bad input only.
 */
const AGENT_ENV: Partial<GovernedEnvironmentProps> = {
  allowedToolTargets: {
    credentialSecrets: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/*'],
    functions: ['arn:aws:lambda:eu-west-1:123456789012:function:tool-*', 'arn:aws:lambda:eu-west-1:123456789012:function:runbook-*'],
  },
};

/** A service row: GovernedInferenceService `test/svc` with overrides, in a valid environment. */
function svc(overrides: Partial<GovernedInferenceServiceProps> | Record<string, unknown>): (app: App) => void {
  return (app) => {
    const s = stack(app);
    new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps()), overrides as Partial<GovernedInferenceServiceProps>));
  };
}

/** A service row against an environment read from its contract (allow-list unknown at synth). */
function contractSvc(overrides: Partial<GovernedInferenceServiceProps> | Record<string, unknown>): (app: App) => void {
  return (app) => {
    const s = stack(app);
    new GovernedInferenceService(s, 'svc', serviceProps(GovernedEnvironment.fromContract(s, 'env', 'dev'), overrides as Partial<GovernedInferenceServiceProps>));
  };
}

const k8s = (extra: Record<string, unknown> = {}) => ({ model: { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' }, ...extra } } });
const SM_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer@${DIGEST}`;
const sageMaker = (extra: Record<string, unknown> = {}) => ({ model: { sageMaker: { image: SM_IMAGE, instanceType: 'ml.m5.large', ...extra } } });
const TENANTS = ['acme', 'globex'];
/** A service row in an environment that serves tenants. */
const tenantSvc = (overrides: Record<string, unknown>) => (app: App) => {
  const s = stack(app);
  new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps({ tenants: TENANTS })), overrides as Partial<GovernedInferenceServiceProps>));
};
/** A service row in an environment that allows only the fraud model's ECR repository and ghcr.io/example. */
const narrowSources = [{ ecr: { accountId: '123456789012', region: 'eu-west-1', repositories: ['fraud-model'] } }, { registry: 'ghcr.io/example' }];
const sourcedSvc = (overrides: Record<string, unknown>) => (app: App) => {
  const s = stack(app);
  new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps({ imageSources: narrowSources })), overrides as Partial<GovernedInferenceServiceProps>));
};
const GUARDRAIL = { arn: 'arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123', id: 'abc123', version: '3' };
const REVOKED = { by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-4411: token leaked in logs' };
const BUDGET = { monthlyUsd: 100, alertEmails: ['maria.chen@example.com'] };
const QUOTAS = { ratePerSecond: 10, burst: 20, monthlyRequests: 1000 };

const ENVIRONMENT_ROWS: BadInput[] = [
  { when: 'the environment has no props at all', build: (app) => new GovernedEnvironment(stack(app), 'env', undefined as any), path: 'test/env', prop: 'props', value: 'nothing', allowed: /an object GovernedEnvironmentProps/, fix: /third argument/ },
  { when: 'the environment name has capitals', build: env({ name: 'Dev' }), path: 'test/env', prop: 'name', value: '"Dev"', allowed: /lowercase slug of at most 16/, fix: /name the environment like "dev"/ },
  { when: 'the environment name is empty', build: env({ name: '' }), path: 'test/env', prop: 'name', value: '""', allowed: /lowercase slug/, fix: /"staging" or "prod"/ },
  { when: 'the platform owner is a string, not an object', build: env({ owner: 'ai-platform' }), path: 'test/env', prop: 'owner', value: '"ai-platform"', allowed: /an object \{ team, accountable, approver, revoker \}/, fix: /set owner to the team and the people/ },
  { when: 'the accountable person is not an e-mail', build: env({ owner: { ...OWNER, accountable: 'dana' } }), path: 'test/env', prop: 'owner.accountable', value: '"dana"', allowed: /e-mail address of a named person/, fix: /accountable person's e-mail/ },
  { when: 'the platform revoker is missing', build: env({ owner: { ...OWNER, revoker: undefined } }), path: 'test/env', prop: 'owner.revoker', value: 'nothing', allowed: /e-mail address/, fix: /revoker person's e-mail/ },
  { when: 'the platform team slug is longer than 63 characters', build: env({ owner: { ...OWNER, team: 'a'.repeat(64) } }), path: 'test/env', prop: 'owner.team', value: `"${'a'.repeat(64)}"`, allowed: /at most 63/, fix: /"ml-platform"/ },
  { when: 'the platform review-by is today', build: env({ owner: { ...OWNER, reviewBy: TODAY } }), path: 'test/env', prop: 'owner.reviewBy', value: `"${TODAY}"`, allowed: /a date after today \(2026-11-22\)/, fix: /review this workload's access with sam\.ortiz@example\.com/ },
  { when: 'the network is missing', build: env({ network: undefined }), path: 'test/env', prop: 'network', value: 'nothing', allowed: /\{ vpcId, privateSubnetIds \}/, fix: /existing VPC and its private subnets/ },
  { when: 'the private subnets are one string, not a list', build: env({ network: { vpcId: 'vpc-0abc12345678', privateSubnetIds: 'subnet-0aaa11112222' } }), path: 'test/env', prop: 'network.privateSubnetIds', value: '"subnet-0aaa11112222"', allowed: /at least one private subnet id/, fix: /one per AZ/ },
  { when: 'a private subnet id is malformed', build: env({ network: { vpcId: 'vpc-0abc12345678', privateSubnetIds: ['subnet-0aaa11112222', 'subnet-xyz'] } }), path: 'test/env', prop: 'network.privateSubnetIds[1]', value: '"subnet-xyz"', allowed: /a subnet id like "subnet-0abc1234"/, fix: /private subnet ids/ },
  { when: 'the allowed regions are one string, not a list', build: env({ allowedRegions: 'eu-west-1' }), path: 'test/env', prop: 'allowedRegions', value: '"eu-west-1"', allowed: /a list of AWS region names/, fix: /wrap the region in a list/ },
  { when: 'no region is allowed', build: env({ allowedRegions: [] }), path: 'test/env', prop: 'allowedRegions', value: '[]', allowed: /at least one AWS region/, fix: /list the regions workloads may call/ },
  { when: 'the region is missing', build: env({ region: undefined }), path: 'test/env', prop: 'region', value: 'nothing', allowed: /one of allowedRegions \["eu-west-1"\]/, fix: /deploy to an allowed region/ },
  { when: 'the allowed models are one string, not a list', build: env({ allowedModels: 'anthropic.claude-3-haiku-20240307-v1:0' }), path: 'test/env', prop: 'allowedModels', value: '"anthropic.claude-3-haiku-20240307-v1:0"', allowed: /a list of Bedrock model ids/, fix: /wrap the model id in a list/ },
  { when: 'the second allowed model has no provider prefix', build: env({ allowedModels: ['anthropic.claude-3-haiku-20240307-v1:0', 'claude'] }), path: 'test/env', prop: 'allowedModels[1]', value: '"claude"', allowed: /a Bedrock model id/, fix: /model id from the Bedrock console/ },
  { when: 'the replaced production boolean is given', build: env({ production: true }), path: 'test/env', prop: 'production', value: 'true', allowed: /nothing: replaced by tier/, fix: /remove production and set tier: 'production'/ },
  { when: 'the tier is missing', build: env({ tier: undefined }), path: 'test/env', prop: 'tier', value: 'nothing', allowed: /'production' or 'non-production'/, fix: /set tier explicitly/ },
  { when: 'the tier is a boolean', build: env({ tier: true }), path: 'test/env', prop: 'tier', value: 'true', allowed: /'production' or 'non-production'/, fix: /set tier explicitly/ },
  { when: 'an environment named "prod" is non-production', build: env({ name: 'prod', tier: 'non-production', logRetentionDays: 365 }), path: 'test/env', prop: 'tier', value: '"non-production"', allowed: /'production' for an environment named "prod" \(the name says production\)/, fix: /set tier: 'production', or rename the environment/ },
  { when: 'an environment named "production-eu" is non-production', build: env({ name: 'production-eu', tier: 'non-production' }), path: 'test/env', prop: 'tier', value: '"non-production"', allowed: /named "production-eu"/, fix: /"staging", "preprod"/ },
  { when: 'the tenants are one string', build: env({ tenants: 'acme' }), path: 'test/env', prop: 'tenants', value: '"acme"', allowed: /a list of tenant ids/, fix: /\["acme"\]/ },
  { when: 'a tenant id has capitals', build: env({ tenants: ['acme', 'Globex'] }), path: 'test/env', prop: 'tenants[1]', value: '"Globex"', allowed: /a tenant id: a lowercase slug/, fix: /name the tenant like "acme"/ },
  { when: 'a tenant is named "all" (the keyword for every tenant)', build: env({ tenants: ['all'] }), path: 'test/env', prop: 'tenants[0]', value: '"all"', allowed: /not "all"/, fix: /name the tenant/ },
  { when: 'a tenant is listed twice', build: env({ tenants: ['acme', 'acme'] }), path: 'test/env', prop: 'tenants[1]', value: '"acme"', allowed: /each tenant once/, fix: /remove tenants\[1\]/ },
  { when: 'the image sources are one object', build: env({ imageSources: { registry: 'ghcr.io/example' } }), path: 'test/env', prop: 'imageSources', value: '{"registry":"ghcr.io/example"}', allowed: /a list of \{ ecr:/, fix: /wrap the source in a list/ },
  { when: 'an image source is both ECR and a registry', build: env({ imageSources: [{ ecr: narrowSources[0].ecr, registry: 'ghcr.io/example' }] }), path: 'test/env', prop: 'imageSources[0]', value: '{"ecr":', allowed: /\{ ecr: \{ accountId/, fix: /exactly one of ecr or registry/ },
  { when: 'an ECR image source account is a number', build: env({ imageSources: [{ ecr: { ...narrowSources[0].ecr, accountId: 123456789012 } }] }), path: 'test/env', prop: 'imageSources[0].ecr.accountId', value: '123456789012', allowed: /a 12-digit AWS account id \(a string\)/, fix: /account that owns the ECR registry/ },
  { when: 'an ECR image source names no repository', build: env({ imageSources: [{ ecr: { ...narrowSources[0].ecr, repositories: [] } }] }), path: 'test/env', prop: 'imageSources[0].ecr.repositories', value: '[]', allowed: /a non-empty list of repository names/, fix: /\["fraud-model"\]/ },
  { when: 'an ECR repository is given as a URI', build: env({ imageSources: [{ ecr: { ...narrowSources[0].ecr, repositories: ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model'] } }] }), path: 'test/env', prop: 'imageSources[0].ecr.repositories[0]', value: '"123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model"', allowed: /an ECR repository name/, fix: /as ECR shows it/ },
  { when: 'a registry source is a URL', build: env({ imageSources: [{ registry: 'https://ghcr.io/example' }] }), path: 'test/env', prop: 'imageSources[0].registry', value: '"https://ghcr.io/example"', allowed: /no scheme, no tag/, fix: /as it appears in image references/ },
  { when: 'an image source is listed twice', build: env({ imageSources: [{ registry: 'ghcr.io/example' }, { registry: 'GHCR.io/example' }] }), path: 'test/env', prop: 'imageSources', value: '"ghcr.io/example/*"', allowed: /each source once/, fix: /remove the second source/ },
  { when: 'the owner e-mail has an empty part between dots', build: env({ owner: { ...OWNER, accountable: 'maria..chen@example..com' } }), path: 'test/env', prop: 'owner.accountable', value: '"maria..chen@example..com"', allowed: /no empty part between dots/, fix: /accountable person's e-mail/ },
  { when: 'log retention is a string', build: env({ logRetentionDays: '365' }), path: 'test/env', prop: 'logRetentionDays', value: '"365"', allowed: /one of CloudWatch's retention values/, fix: /next allowed value/ },
  { when: 'secrets are never rotated (0 days)', build: env({ secretRotationDays: 0 }), path: 'test/env', prop: 'secretRotationDays', value: '0', allowed: /whole number of days from 1 to 90/, fix: /rotate at least every 90 days/ },
  { when: 'the rotation period is fractional', build: env({ secretRotationDays: 7.5 }), path: 'test/env', prop: 'secretRotationDays', value: '7.5', allowed: /whole number of days/, fix: /default is 30/ },
  { when: 'the gateway burst is fractional', build: env({ gatewayThrottle: { ratePerSecond: 1, burst: 1.5 } }), path: 'test/env', prop: 'gatewayThrottle.burst', value: '1.5', allowed: /a whole number of at least 1/, fix: /burst/ },
  { when: 'the gateway rate is Infinity', build: env({ gatewayThrottle: { ratePerSecond: Infinity, burst: 10 } }), path: 'test/env', prop: 'gatewayThrottle.ratePerSecond', value: 'Infinity', allowed: /a positive number, finite/, fix: /steady request rate/ },
  { when: 'the gateway burst is below its rate', build: env({ gatewayThrottle: { ratePerSecond: 100, burst: 5 } }), path: 'test/env', prop: 'gatewayThrottle.burst', value: '5', allowed: /at least ratePerSecond \(100\)/, fix: /set burst to at least 100 \(twice the rate, 200, is usual\), or lower ratePerSecond to 5/ },
  { when: 'the EKS cluster name has a space', build: env({ kubernetes: { ...k8sRuntime, clusterName: 'ai workloads' } }), path: 'test/env', prop: 'kubernetes.clusterName', value: '"ai workloads"', allowed: /an EKS cluster name/, fix: /existing cluster name/ },
  { when: 'the gateway namespace has capitals', build: env({ kubernetes: { ...k8sRuntime, gatewayNamespace: 'AI-Gateway' } }), path: 'test/env', prop: 'kubernetes.gatewayNamespace', value: '"AI-Gateway"', allowed: /Kubernetes namespace name/, fix: /namespace the in-cluster gateway runs in/ },
  { when: 'a gateway pod label value is not a label value', build: env({ kubernetes: { ...k8sRuntime, gatewayPodLabels: { app: 'AI Gateway!' } } }), path: 'test/env', prop: 'kubernetes.gatewayPodLabels["app"]', value: '"AI Gateway!"', allowed: /Kubernetes label value/, fix: /label value the gateway pods carry/ },
  { when: 'a gateway pod label key is not a label key', build: env({ kubernetes: { ...k8sRuntime, gatewayPodLabels: { 'app name': 'ai-gateway' } } }), path: 'test/env', prop: 'kubernetes.gatewayPodLabels["app name"]', value: '"app name"', allowed: /Kubernetes label key/, fix: /"app\.kubernetes\.io\/name"/ },
  { when: 'the gateway VPC link is empty', build: env({ kubernetes: { ...k8sRuntime, gatewayVpcLinkId: '' } }), path: 'test/env', prop: 'kubernetes.gatewayVpcLinkId', value: '""', allowed: /API Gateway VPC link id/, fix: /VPC link to the NLB/ },
  { when: 'the gateway NLB DNS name is missing', build: env({ kubernetes: { ...k8sRuntime, gatewayNlbDnsName: undefined } }), path: 'test/env', prop: 'kubernetes.gatewayNlbDnsName', value: 'nothing', allowed: /a DNS host name/, fix: /DNS name of the NLB/ },
  { when: 'the gateway NLB DNS name is a URL with a port and a path', build: env({ kubernetes: { ...k8sRuntime, gatewayNlbDnsName: 'https://ai-gateway-nlb.internal:443/' } }), path: 'test/env', prop: 'kubernetes.gatewayNlbDnsName', value: '"https://ai-gateway-nlb.internal:443/"', allowed: /a DNS host name .*no scheme, port or path/, fix: /drop the scheme: give the host name only/ },
  { when: 'the gateway NLB DNS name has a port', build: env({ kubernetes: { ...k8sRuntime, gatewayNlbDnsName: 'ai-gateway-nlb.internal:443' } }), path: 'test/env', prop: 'kubernetes.gatewayNlbDnsName', value: '"ai-gateway-nlb.internal:443"', allowed: /a DNS host name/, fix: /drop the port and path/ },
  { when: 'the gateway NLB DNS name is a single label', build: env({ kubernetes: { ...k8sRuntime, gatewayNlbDnsName: 'gateway' } }), path: 'test/env', prop: 'kubernetes.gatewayNlbDnsName', value: '"gateway"', allowed: /a DNS host name/, fix: /give the NLB's DNS name/ },
  { when: 'the pinned today is not a date', build: env({}), context: { [TODAY_CONTEXT_KEY]: '22/11/2026' }, path: 'test/env', prop: "context 'governance:today'", value: '"22/11/2026"', allowed: /a calendar date YYYY-MM-DD/, fix: /to a date like "2026-11-22", or remove it/ },
  { when: 'the pinned today is a number', build: env({}), context: { [TODAY_CONTEXT_KEY]: 20261122 }, path: 'test/env', prop: "context 'governance:today'", value: '20261122', allowed: /YYYY-MM-DD/, fix: /remove it/ },
  {
    when: 'an explicitly production platform stack keeps logs 90 days',
    build: (app) => new PlatformStack(app, 'platform-staging', { ...envProps(), name: 'staging', tier: 'production', logRetentionDays: 90 }),
    path: 'platform-staging/environment', prop: 'logRetentionDays', value: '90', allowed: /at least 365 days in production/, fix: /365 or more/,
  },
];

const SERVICE_ROWS: BadInput[] = [
  { when: 'the service has no props at all', build: (app) => new GovernedInferenceService(stack(app), 'svc', undefined as any), path: 'test/svc', prop: 'props', value: 'nothing', allowed: /an object of props \{ environment, name, owner, dataClassification/, fix: /third argument/ },
  { when: 'the environment is a plain object', build: (app) => new GovernedInferenceService(stack(app), 'svc', serviceProps({} as any)), path: 'test/svc', prop: 'environment', value: '{}', allowed: /GovernedEnvironment or GovernedEnvironment\.fromContract/, fix: /environment the workload runs in/ },
  { when: 'the environment is missing', build: (app) => new GovernedInferenceService(stack(app), 'svc', serviceProps(undefined as any)), path: 'test/svc', prop: 'environment', value: 'nothing', allowed: /GovernedEnvironment/, fix: /pass the environment/ },
  { when: 'the workload name is empty', build: svc({ name: '' }), path: 'test/svc', prop: 'name', value: '""', allowed: /lowercase slug of at most 32/, fix: /"support-chat"/ },
  { when: 'the workload name is 33 characters', build: svc({ name: 'a'.repeat(33) }), path: 'test/svc', prop: 'name', value: `"${'a'.repeat(33)}"`, allowed: /at most 32 characters/, fix: /name the workload/ },
  { when: 'the workload is named "platform"', build: svc({ name: 'platform' }), path: 'test/svc', prop: 'name', value: '"platform"', allowed: /any name but "platform" \(reserved for the environment's shared pieces\)/, fix: /after what it does/ },
  {
    // Every service now has an integration identity `<name>-gw`: the suffix is reserved outright, so
    // the collision fails whichever of the two workloads is declared first.
    when: "a workload takes the name of a SageMaker service's integration identity",
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps());
      new GovernedInferenceService(s, 'scoring', serviceProps(e, { name: 'scoring', ...sageMaker() } as any));
      new GovernedInferenceService(s, 'scoring-gw', serviceProps(e, { name: 'scoring-gw' }));
    },
    path: 'test/scoring-gw', prop: 'name', value: '"scoring-gw"', allowed: /a name that collides with no derived or platform name \(names ending "-gw" are derived identities of another workload/, fix: /name the workload after what it does/,
  },
  {
    when: 'a service takes the name of an agent',
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps(AGENT_ENV));
      new GovernedAgent(s, 'agent', agentProps(e, { name: 'scoring' }));
      new GovernedInferenceService(s, 'svc', serviceProps(e, { name: 'scoring' }));
    },
    path: 'test/svc', prop: 'name', value: '"scoring"', allowed: /a name not yet used in environment dev \(already used by GovernedAgent at 'test\/agent', team sre\)/, fix: /one identity per workload per environment/,
  },
  { when: 'the owner is a list', build: svc({ owner: [] }), path: 'test/svc', prop: 'owner', value: '[]', allowed: /an object/, fix: /set owner to the team/ },
  { when: 'the accountable person is a bare name', build: svc({ owner: { ...PRODUCT_OWNER, accountable: 'maria' } }), path: 'test/svc', prop: 'owner.accountable', value: '"maria"', allowed: /e-mail address of a named person/, fix: /accountable person's e-mail/ },
  { when: 'review-by is today', build: svc({ owner: { ...PRODUCT_OWNER, reviewBy: TODAY } }), path: 'test/svc', prop: 'owner.reviewBy', value: `"${TODAY}"`, allowed: /a date after today/, fix: /then set a new review-by date/ },
  { when: 'review-by is a number', build: svc({ owner: { ...PRODUCT_OWNER, reviewBy: 20270331 } }), path: 'test/svc', prop: 'owner.reviewBy', value: '20270331', allowed: /an ISO date YYYY-MM-DD/, fix: /"2027-03-31"/ },
  { when: 'the classification is in capitals', build: svc({ dataClassification: 'CONFIDENTIAL' }), path: 'test/svc', prop: 'dataClassification', value: '"CONFIDENTIAL"', allowed: /public, internal, confidential, restricted/, fix: /classify the data/ },
  { when: 'the classification is missing', build: svc({ dataClassification: undefined }), path: 'test/svc', prop: 'dataClassification', value: 'nothing', allowed: /public, internal/, fix: /classify/ },
  { when: 'the model is missing', build: svc({ model: undefined }), path: 'test/svc', prop: 'model', value: 'nothing', allowed: /exactly one of model\.bedrock, model\.sageMaker or model\.kubernetes/, fix: /say where the model comes from/ },
  { when: 'the Bedrock model source is null', build: svc({ model: { bedrock: null } }), path: 'test/svc', prop: 'model', value: '{"bedrock":null}', allowed: /exactly one of/, fix: /say where the model comes from/ },
  { when: 'a Bedrock model id is malformed against a contract environment', build: contractSvc({ model: { bedrock: { modelId: 'Claude 3' } } }), path: 'test/svc', prop: 'model.bedrock.modelId', value: '"Claude 3"', allowed: /a Bedrock model id like/, fix: /must also be on dev's allowedModels/ },
  { when: 'the Bedrock model id is missing against a contract environment', build: contractSvc({ model: { bedrock: {} } }), path: 'test/svc', prop: 'model.bedrock.modelId', value: 'nothing', allowed: /a Bedrock model id/, fix: /Bedrock console/ },
  { when: 'SageMaker has no instances', build: svc(sageMaker({ instanceCount: 0 })), path: 'test/svc', prop: 'model.sageMaker.instanceCount', value: '0', allowed: /whole number from 1 to 20/, fix: /number of instances/ },
  { when: 'SageMaker has 21 instances', build: svc(sageMaker({ instanceCount: 21 })), path: 'test/svc', prop: 'model.sageMaker.instanceCount', value: '21', allowed: /from 1 to 20/, fix: /number of instances/ },
  { when: 'the SageMaker image is missing', build: svc(sageMaker({ image: undefined })), path: 'test/svc', prop: 'model.sageMaker.image', value: 'nothing', allowed: /pinned by digest/, fix: /digest, not a tag/ },
  { when: 'the Kubernetes digest is in capitals', build: svc(k8s({ image: `r@sha256:${'A'.repeat(64)}` })), path: 'test/svc', prop: 'model.kubernetes.image', value: `"r@sha256:${'A'.repeat(64)}"`, allowed: /<repository>@sha256:<64 hex>/, fix: /crane digest/ },
  { when: 'Kubernetes replicas are zero', build: svc(k8s({ replicas: 0 })), path: 'test/svc', prop: 'model.kubernetes.replicas', value: '0', allowed: /whole number from 1 to 100/, fix: /number of replicas/ },
  { when: 'Kubernetes replicas are fractional', build: svc(k8s({ replicas: 2.5 })), path: 'test/svc', prop: 'model.kubernetes.replicas', value: '2.5', allowed: /whole number/, fix: /replicas/ },
  { when: 'Kubernetes resources are missing', build: svc(k8s({ resources: undefined })), path: 'test/svc', prop: 'model.kubernetes.resources', value: 'nothing', allowed: /\{ cpu, memory \} as Kubernetes quantities/, fix: /cpu: "2", memory: "8Gi"/ },
  { when: 'the memory quantity uses GB', build: svc(k8s({ resources: { cpu: '1', memory: '1GB' } })), path: 'test/svc', prop: 'model.kubernetes.resources.memory', value: '"1GB"', allowed: /memory quantity like "512Mi"/, fix: /fix the memory quantity/ },
  { when: 'the CPU is zero', build: svc(k8s({ resources: { cpu: '0', memory: '1Gi' } })), path: 'test/svc', prop: 'model.kubernetes.resources.cpu', value: '"0"', allowed: /a positive Kubernetes CPU quantity/, fix: /fix the CPU quantity/ },
  { when: 'the port is above 65535', build: svc(k8s({ port: 65536 })), path: 'test/svc', prop: 'model.kubernetes.port', value: '65536', allowed: /from 1024 to 65535/, fix: /unprivileged port/ },
  { when: 'the workload takes over kube-system', build: svc(k8s({ namespace: 'kube-system' })), path: 'test/svc', prop: 'model.kubernetes.namespace', value: '"kube-system"', allowed: /a namespace of the workload's own, not "default", "kube-system"/, fix: /namespace of its own/ },
  { when: "the workload takes over the gateway's namespace", build: svc(k8s({ namespace: 'ai-gateway' })), path: 'test/svc', prop: 'model.kubernetes.namespace', value: '"ai-gateway"', allowed: /not .*"ai-gateway"/, fix: /namespace of its own/ },
  { when: 'a Kubernetes workload is named "default" (its namespace by default)', build: svc({ name: 'default', ...k8s() }), path: 'test/svc', prop: 'name', value: '"default"', allowed: /the namespace defaults to the workload name/, fix: /rename the workload, or set model\.kubernetes\.namespace/ },
  { when: 'the namespace is not a namespace name', build: svc(k8s({ namespace: 'Team_NS' })), path: 'test/svc', prop: 'model.kubernetes.namespace', value: '"Team_NS"', allowed: /Kubernetes namespace name/, fix: /fix the namespace/ },
  { when: 'a service still sets the removed quotas prop', build: svc({ quotas: QUOTAS }), path: 'test/svc', prop: 'quotas', value: '{"ratePerSecond":10,"burst":20,"monthlyRequests":1000}', allowed: /nothing: quotas are per caller now, by tier \(the environment's quotaTiers\)/, fix: /remove quotas and set quotaTier to one of the environment's tiers \(default "standard"\)/ },
  { when: "a service's quota tier is not one of the environment's", build: svc({ quotaTier: 'gold' }), path: 'test/svc', prop: 'quotaTier', value: '"gold"', allowed: /one of dev's quota tiers \["standard"\]/, fix: /pick one of them, or ask the platform team \(sam\.ortiz@example\.com\) for a new tier/ },
  { when: 'a quota tier is not a string', build: svc({ quotaTier: 5 }), path: 'test/svc', prop: 'quotaTier', value: '5', allowed: /the name of one of the environment's quota tiers/, fix: /tier name like "standard"/ },
  { when: 'the budget is a string', build: svc({ budget: { ...BUDGET, monthlyUsd: '500' } }), path: 'test/svc', prop: 'budget.monthlyUsd', value: '"500"', allowed: /positive amount in USD \(a number\)/, fix: /e\.g\. 200/ },
  { when: 'the budget is negative', build: svc({ budget: { ...BUDGET, monthlyUsd: -5 } }), path: 'test/svc', prop: 'budget.monthlyUsd', value: '-5', allowed: /positive amount/, fix: /monthly budget/ },
  { when: 'the alert e-mails are one string', build: svc({ budget: { ...BUDGET, alertEmails: 'maria.chen@example.com' } }), path: 'test/svc', prop: 'budget.alertEmails', value: '"maria.chen@example.com"', allowed: /a list of e-mail addresses/, fix: /wrap the address in a list/ },
  { when: 'there are 11 alert e-mails', build: svc({ budget: { ...BUDGET, alertEmails: Array.from({ length: 11 }, (_, i) => `p${i}@example.com`) } }), path: 'test/svc', prop: 'budget.alertEmails', value: '["p0@example.com"', allowed: /at most 10 e-mail addresses \(the AWS Budgets limit\)/, fix: /team mailing list/ },
  { when: 'an alert e-mail is a bare name', build: svc({ budget: { ...BUDGET, alertEmails: ['finance'] } }), path: 'test/svc', prop: 'budget.alertEmails[0]', value: '"finance"', allowed: /an e-mail address/, fix: /fix the address/ },
  { when: 'two alert e-mails differ only in case', build: svc({ budget: { ...BUDGET, alertEmails: ['maria.chen@example.com', 'Maria.Chen@Example.com'] } }), path: 'test/svc', prop: 'budget.alertEmails[1]', value: '"Maria.Chen@Example.com"', allowed: /each address once \(it is budget\.alertEmails\[0\] "maria\.chen@example\.com" in another case; addresses are compared in lower case\)/, fix: /remove budget\.alertEmails\[1\]/ },
  { when: 'the approver e-mail has a doubled dot in its domain', build: svc({ owner: { ...PRODUCT_OWNER, approver: 'sam.ortiz@example..com' } }), path: 'test/svc', prop: 'owner.approver', value: '"sam.ortiz@example..com"', allowed: /no empty part between dots/, fix: /approver person's e-mail/ },
  { when: 'a service in an environment with tenants names none', build: tenantSvc({}), path: 'test/svc', prop: 'tenants', value: 'nothing', allowed: /some of dev's tenants \["acme","globex"\], or 'all'/, fix: /set tenants, e\.g\. \["acme"\]/ },
  { when: "a service names a tenant its environment does not serve", build: tenantSvc({ tenants: ['acme', 'initech'] }), path: 'test/svc', prop: 'tenants[1]', value: '"initech"', allowed: /one of dev's tenants \["acme","globex"\]/, fix: /ask the platform team to add "initech" to dev's tenants/ },
  { when: 'a service names a tenant in an environment without tenants', build: svc({ tenants: ['acme'] }), path: 'test/svc', prop: 'tenants[0]', value: '"acme"', allowed: /no tenants: environment dev serves none/, fix: /ask the platform team to add "acme"/ },
  { when: "a service serves 'all' tenants of an environment without tenants", build: svc({ tenants: 'all' }), path: 'test/svc', prop: 'tenants', value: '"all"', allowed: /no tenants: environment dev serves none/, fix: /remove tenants/ },
  { when: 'a service names the same tenant twice', build: tenantSvc({ tenants: ['acme', 'acme'] }), path: 'test/svc', prop: 'tenants[1]', value: '"acme"', allowed: /each tenant once/, fix: /remove tenants\[1\]/ },
  { when: 'a service names an empty list of tenants', build: tenantSvc({ tenants: [] }), path: 'test/svc', prop: 'tenants', value: '[]', allowed: /a non-empty list of tenant ids, or 'all'/, fix: /list the tenants/ },
  { when: 'a SageMaker image is not in ECR', build: svc(sageMaker({ image: `ghcr.io/example/scorer@${DIGEST}` })), path: 'test/svc', prop: 'model.sageMaker.image', value: '"ghcr.io/example/scorer@sha256:', allowed: /an ECR image in eu-west-1 \(SageMaker pulls only from Amazon ECR in the endpoint's Region\)/, fix: /push the image to ECR in eu-west-1/ },
  { when: 'a SageMaker image is in ECR of another account and region', build: sourcedSvc(sageMaker({ image: `210987654321.dkr.ecr.us-east-1.amazonaws.com/fraud-model@${DIGEST}` })), path: 'test/svc', prop: 'model.sageMaker.image', value: '"210987654321.dkr.ecr.us-east-1', allowed: /an ECR image in eu-west-1/, fix: /ECR replication can copy it/ },
  { when: 'a SageMaker image is in an ECR repository the environment does not allow', build: sourcedSvc(sageMaker({ image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/other-model@${DIGEST}` })), path: 'test/svc', prop: 'model.sageMaker.image', value: '"123456789012.dkr.ecr.eu-west-1.amazonaws.com/other-model@', allowed: /an image from one of dev's allowed sources \["123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/fraud-model","ghcr\.io\/example\/\*"\]/, fix: /add the ECR repository other-model of account 123456789012 in eu-west-1 to dev's imageSources/ },
  { when: 'a SageMaker image from another account is in an allowed region but not an allowed source', build: sourcedSvc(sageMaker({ image: `210987654321.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@${DIGEST}` })), path: 'test/svc', prop: 'model.sageMaker.image', value: '"210987654321.dkr.ecr.eu-west-1', allowed: /allowed sources/, fix: /of account 210987654321/ },
  { when: 'a Kubernetes image comes from a registry the environment does not allow', build: sourcedSvc(k8s({ image: `docker.io/evil/llm@${DIGEST}` })), path: 'test/svc', prop: 'model.kubernetes.image', value: '"docker.io/evil/llm@', allowed: /an image from one of dev's allowed sources/, fix: /add .*the registry docker\.io\/evil to dev's imageSources/ },
  { when: 'a Kubernetes image from Docker Hub is written without a registry', build: sourcedSvc(k8s({ image: `llm@${DIGEST}` })), path: 'test/svc', prop: 'model.kubernetes.image', value: '"llm@', allowed: /allowed sources/, fix: /the registry docker\.io\/library/ },
  { when: 'a Kubernetes image comes from an environment that allows no source', build: (app) => { const s = stack(app); new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps({ imageSources: undefined })), k8s({ image: `ghcr.io/example/llm@${DIGEST}` }) as any)); }, path: 'test/svc', prop: 'model.kubernetes.image', value: '"ghcr.io/example/llm@', allowed: /an image from an allowed source \(environment dev allows none\)/, fix: /ask the platform team to add the registry ghcr\.io\/example/ },
  { when: 'a Kubernetes image is a Terraform reference', build: svc(k8s({ image: Fn.lower(`ghcr.io/example/llm@${DIGEST}`) })), path: 'test/svc', prop: 'model.kubernetes.image', value: '"${TfToken[TOKEN.', allowed: /written literally/, fix: /instead of a Terraform reference/ },
  { when: 'the revocation time is "yesterday"', build: svc({ revoked: { ...REVOKED, at: 'yesterday' } }), path: 'test/svc', prop: 'revoked.at', value: '"yesterday"', allowed: /UTC timestamp like "2026-11-22T10:30:00Z"/, fix: /when access was revoked/ },
  { when: 'the revocation time is not a real time', build: svc({ revoked: { ...REVOKED, at: '2026-13-45T00:00:00Z' } }), path: 'test/svc', prop: 'revoked.at', value: '"2026-13-45T00:00:00Z"', allowed: /UTC timestamp/, fix: /revoked\.at/ },
  { when: 'the revocation reason is too short', build: svc({ revoked: { ...REVOKED, reason: 'leak' } }), path: 'test/svc', prop: 'revoked.reason', value: '"leak"', allowed: /at least 10 characters/, fix: /INC-4411/ },
  { when: 'a caller is undefined', build: svc({ callers: [undefined] }), path: 'test/svc', prop: 'callers[0]', value: 'nothing', allowed: /a workload that can receive grants/, fix: /calling workload's construct, not its name or ARN/ },
  { when: 'a caller is a role ARN string', build: svc({ callers: ['arn:aws:iam::123456789012:role/x'] }), path: 'test/svc', prop: 'callers[0]', value: '"arn:aws:iam::123456789012:role/x"', allowed: /receive grants/, fix: /not its name or ARN/ },
  { when: 'the guardrail version is DRAFT', build: svc({ guardrail: { ...GUARDRAIL, version: 'DRAFT' } }), path: 'test/svc', prop: 'guardrail.version', value: '"DRAFT"', allowed: /published version number like "1" \(never DRAFT/, fix: /publish a guardrail version and pin it/ },
  { when: 'the guardrail ARN is its name', build: svc({ guardrail: { ...GUARDRAIL, arn: 'my-guardrail' } }), path: 'test/svc', prop: 'guardrail.arn', value: '"my-guardrail"', allowed: /guardrail ARN like/, fix: /ARN of the guardrail, not its name/ },
  { when: 'a guardrail is given for a SageMaker model (it would never apply)', build: svc({ ...sageMaker(), guardrail: GUARDRAIL }), path: 'test/svc', prop: 'guardrail', value: `{"arn":"${GUARDRAIL.arn}"`, allowed: /a guardrail only with model\.bedrock/, fix: /inside the sageMaker model server/ },
  { when: 'the contract environment name is not an environment name', build: (app) => GovernedEnvironment.fromContract(stack(app), 'env', 'Dev Env'), path: 'test/env', prop: 'envName', value: '"Dev Env"', allowed: /lowercase slug of at most 16/, fix: /name the platform stack gave the environment/ },
  { when: 'a workload stack region is not a region', build: (app) => new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'europe' }), path: 'product-dev', prop: 'region', value: '"europe"', allowed: /AWS region name like "eu-west-1"/, fix: /region the environment lives in/ },
  { when: "a workload stack region is not one of its pinned contract's allowed regions", build: (app) => new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'us-east-1', contract: { file: DEV_CONTRACT_FILE } }), path: 'product-dev', prop: 'region', value: '"us-east-1"', allowed: /one of dev's allowedRegions \["eu-west-1"\] \(pinned contract/, fix: /deploy the stack to an allowed region, or ask the platform team \(sam\.ortiz@example\.com\) to add us-east-1/ },
  {
    when: "a workload stack region is not one of its same-app platform's allowed regions",
    build: (app) => {
      new PlatformStack(app, 'platform-dev', envProps());
      new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-central-1' });
    },
    path: 'product-dev/environment', prop: 'region', value: '"eu-central-1"', allowed: /one of dev's allowedRegions \["eu-west-1"\] \(platform stack platform-dev\)/, fix: /deploy the stack to an allowed region/,
  },
  { when: "a workload stack's contract is not pinned and its platform stack is not in the app", build: (app) => new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-west-1' }), path: 'product-dev/environment', prop: 'contract.file', value: 'nothing', allowed: /a pinned copy of dev's contract \(contracts\/dev\.json does not exist/, fix: /^pin the contract: aws ssm get-parameter .* \| npx cdktf-ai-governance contract export --env dev -o contracts\/dev\.json/ },
  { when: 'the pinned contract file is missing', build: (app) => new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-west-1', contract: { file: 'contracts/missing.json' } }), path: 'product-dev/environment', prop: 'contract.file', value: '"contracts/missing.json"', allowed: /a pinned contract file \(\S+missing\.json does not exist\)/, fix: /^pin the contract: .*contract export --env dev -o contracts\/missing\.json, and commit the file/ },
  { when: "the pinned contract is another environment's", build: (app) => new WorkloadStack(app, 'product-prod', { environmentName: 'prod', region: 'eu-west-1', contract: { file: DEV_CONTRACT_FILE } }), path: 'product-prod/environment', prop: `${DEV_CONTRACT_FILE}: name`, value: '"dev"', allowed: /the contract of environment "prod"/, fix: /pin prod's contract \(\/governance\/prod\/contract\)/ },
];

/** An agent row: GovernedAgent `test/agent` with overrides, in a valid environment (with Kubernetes). */
function agent(overrides: Partial<GovernedAgentProps> | Record<string, unknown>, envOverrides: Partial<GovernedEnvironmentProps> = {}): (app: App) => void {
  return (app) => {
    const s = stack(app);
    new GovernedAgent(s, 'agent', agentProps(new GovernedEnvironment(s, 'env', envProps({ ...AGENT_ENV, ...envOverrides })), overrides as Partial<GovernedAgentProps>));
  };
}
const agentContainer = (extra: Record<string, unknown> = {}) => ({ runtime: { kubernetes: { image: `ghcr.io/example/triage-agent@${DIGEST}`, resources: { cpu: '500m', memory: '1Gi' }, ...extra } } });
const bedrockAgent = (extra: Record<string, unknown>) => ({
  runtime: { ...agentContainer().runtime, bedrockAgent: { foundationModel: 'anthropic.claude-3-haiku-20240307-v1:0', instruction: 'Triage incidents: read tickets and runbooks, propose next steps.', ...extra } },
});
const [ticketingRead, ticketingWrite, runbookSearch] = agentTools();

const AGENT_ROWS: BadInput[] = [
  { when: 'the agent has no props at all', build: (app) => new GovernedAgent(stack(app), 'agent', undefined as any), path: 'test/agent', prop: 'props', value: 'nothing', allowed: /an object of props/, fix: /third argument/ },
  { when: "the agent's environment is a plain object", build: (app) => new GovernedAgent(stack(app), 'agent', agentProps({} as any)), path: 'test/agent', prop: 'environment', value: '{}', allowed: /GovernedEnvironment or GovernedEnvironment\.fromContract/, fix: /pass the environment/ },
  { when: 'the agent runs in an environment without Kubernetes', build: agent({}, { kubernetes: undefined }), path: 'test/agent', prop: 'runtime.kubernetes', value: '"environment dev"', allowed: /an environment with a Kubernetes runtime/, fix: /set kubernetes on the GovernedEnvironment dev/ },
  { when: 'the agent takes over kube-system', build: agent(agentContainer({ namespace: 'kube-system' })), path: 'test/agent', prop: 'runtime.kubernetes.namespace', value: '"kube-system"', allowed: /a namespace of the workload's own/, fix: /set runtime\.kubernetes\.namespace to a namespace of its own/ },
  { when: "the agent takes over the gateway's namespace", build: agent(agentContainer({ namespace: 'ai-gateway' })), path: 'test/agent', prop: 'runtime.kubernetes.namespace', value: '"ai-gateway"', allowed: /not .*"ai-gateway"/, fix: /namespace of its own/ },
  { when: 'the agent is named "default" (its namespace by default)', build: agent({ name: 'default' }), path: 'test/agent', prop: 'name', value: '"default"', allowed: /defaults to the workload name/, fix: /rename the workload, or set runtime\.kubernetes\.namespace/ },
  { when: 'the agent container has no CPU', build: agent(agentContainer({ resources: { cpu: '0', memory: '1Gi' } })), path: 'test/agent', prop: 'runtime.kubernetes.resources.cpu', value: '"0"', allowed: /a positive Kubernetes CPU quantity/, fix: /fix the CPU quantity/ },
  { when: 'the agent has 21 replicas', build: agent(agentContainer({ replicas: 21 })), path: 'test/agent', prop: 'runtime.kubernetes.replicas', value: '21', allowed: /whole number from 1 to 20/, fix: /to stop the agent, revoke it/ },
  { when: 'the agent image comes from a registry the environment does not allow', build: agent(agentContainer({ image: `quay.io/someone/agent@${DIGEST}` })), path: 'test/agent', prop: 'runtime.kubernetes.image', value: '"quay.io/someone/agent@', allowed: /an image from one of dev's allowed sources/, fix: /the registry quay\.io\/someone/ },
  { when: 'the agent names a tenant its environment does not serve', build: agent({ tenants: ['initech'] }, { tenants: TENANTS }), path: 'test/agent', prop: 'tenants[0]', value: '"initech"', allowed: /one of dev's tenants/, fix: /add "initech"/ },
  { when: 'two approvers of a tool differ only in case', build: agent({ tools: [ticketingRead, { ...agentTools()[1], approval: { approvers: ['incident-commander@example.com', 'Incident-Commander@Example.com'] } }] }), path: 'test/agent', prop: 'tools[1] (ticketing-write).approval.approvers[1]', value: '"Incident-Commander@Example.com"', allowed: /each address once/, fix: /remove tools\[1\] \(ticketing-write\)\.approval\.approvers\[1\]/ },
  { when: 'a tool window starts and ends at the same time', build: agent({ tools: [ticketingRead, { ...agentTools()[1], timeWindow: 'Mon-Fri 22:00-22:00' }] }), path: 'test/agent', prop: 'tools[1] (ticketing-write).timeWindow', value: '"Mon-Fri 22:00-22:00"', allowed: /a start equal to its end is refused/, fix: /starts and ends at the same time/ },
  { when: 'a tool lists the same window twice', build: agent({ tools: [ticketingRead, { ...agentTools()[1], timeWindow: ['Mon-Fri 22:00-06:00', 'Mon,Tue,Wed,Thu,Fri 22:00-06:00'] }] }), path: 'test/agent', prop: 'tools[1] (ticketing-write).timeWindow[1]', value: '"Mon,Tue,Wed,Thu,Fri 22:00-06:00"', allowed: /each window once/, fix: /remove tools\[1\] \(ticketing-write\)\.timeWindow\[1\]/ },
  { when: 'a tool has an empty list of windows', build: agent({ tools: [ticketingRead, { ...agentTools()[1], timeWindow: [] }] }), path: 'test/agent', prop: 'tools[1] (ticketing-write).timeWindow', value: '[]', allowed: /\(at least one\)/, fix: /remove timeWindow to allow the tool at any time/ },
  { when: 'the agent runtime is missing', build: agent({ runtime: undefined }), path: 'test/agent', prop: 'runtime.kubernetes', value: 'nothing', allowed: /\{ image, resources, replicas\? \} of the agent container/, fix: /describe the agent container/ },
  {
    when: "an agent's Bedrock model id is malformed against a contract environment",
    build: (app) => {
      const s = stack(app);
      new GovernedAgent(s, 'agent', agentProps(GovernedEnvironment.fromContract(s, 'env', 'dev', { kubernetes: 'from-contract' }), { models: [{ bedrockModelId: 'Claude 3' }] }));
    },
    path: 'test/agent', prop: 'models[0].bedrockModelId', value: '"Claude 3"', allowed: /a Bedrock model id like/, fix: /must also be on dev's allowedModels/,
  },
  { when: 'the agent models are one string', build: agent({ models: 'anthropic.claude-3-haiku-20240307-v1:0' }), path: 'test/agent', prop: 'models', value: '"anthropic.claude-3-haiku-20240307-v1:0"', allowed: /a list of GovernedInferenceService references or \{ bedrockModelId \}/, fix: /\[\] for none/ },
  { when: 'the agent is granted the same model twice', build: agent({ models: [{ bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }, { bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] }), path: 'test/agent', prop: 'models[1].bedrockModelId', value: '"anthropic.claude-3-haiku-20240307-v1:0"', allowed: /each model once/, fix: /remove the duplicate/ },
  { when: 'the agent tools are one string', build: agent({ tools: 'ticketing-read' }), path: 'test/agent', prop: 'tools', value: '"ticketing-read"', allowed: /an array of tool grants/, fix: /list of \{ name, target, actions, sensitivity, credential \}/ },
  { when: 'an agent tool is null', build: agent({ tools: [null] }), path: 'test/agent', prop: 'tools[0]', value: 'null', allowed: /a tool grant \{ name, target/, fix: /describe the tool as an object/ },
  { when: "a tool credential is a secret's name, not its ARN", build: agent({ tools: [{ ...ticketingRead, credential: { secretArn: 'tools/ticketing-api', rotationDays: 30 } }] }), path: 'test/agent', prop: 'tools[0] (ticketing-read).credential.secretArn', value: '"tools/ticketing-api"', allowed: /a Secrets Manager secret ARN/, fix: /ARN of the tool-side secret/ },
  { when: "a Lambda tool is the function's name, not its ARN", build: agent({ tools: [{ ...runbookSearch, target: { kind: 'lambda', functionArn: 'runbook-search' } }] }), path: 'test/agent', prop: 'tools[0] (runbook-search).target.functionArn', value: '"runbook-search"', allowed: /a Lambda function ARN/, fix: /function's ARN/ },
  { when: 'the Bedrock agent instruction is under 40 characters', build: agent(bedrockAgent({ instruction: 'Triage incidents.' })), path: 'test/agent', prop: 'runtime.bedrockAgent.instruction', value: '"Triage incidents."', allowed: /40 to 4000 characters/, fix: /what the agent does and must not do/ },
  { when: 'the Bedrock agent idle session is 30 seconds', build: agent(bedrockAgent({ idleSessionTtlSeconds: 30 })), path: 'test/agent', prop: 'runtime.bedrockAgent.idleSessionTtlSeconds', value: '30', allowed: /from 60 to 3600/, fix: /at most one hour/ },
  {
    when: 'an agent takes the name of an inference service',
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps(AGENT_ENV));
      new GovernedInferenceService(s, 'svc', serviceProps(e, { name: 'triage' }));
      new GovernedAgent(s, 'agent', agentProps(e));
    },
    path: 'test/agent', prop: 'name', value: '"triage"', allowed: /already used by GovernedInferenceService at 'test\/svc'/, fix: /one identity per agent per environment/,
  },
  {
    // The old per-model helper identities are gone; the agent's one integration identity is `<name>-gw`.
    when: "a service takes the name of an agent's integration identity",
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps(AGENT_ENV));
      new GovernedAgent(s, 'agent', agentProps(e));
      new GovernedInferenceService(s, 'svc', serviceProps(e, { name: 'triage-gw' }));
    },
    path: 'test/svc', prop: 'name', value: '"triage-gw"', allowed: /names ending "-gw" are derived identities of another workload/, fix: /name the workload after what it does/,
  },
];

/** Shared pieces of the rows below: tags, and a stack with a valid environment. */
const TAGS = { [TAG_KEYS.owner]: 'ai-platform' };
const keyProps = { envName: 'prod', region: 'eu-west-1', accountId: '123456789012', rolePath: '/governed/prod/', platformRolePath: '/governed-platform/prod/', deployerRoleArns: ['arn:aws:iam::123456789012:role/platform-ci'], deletionWindowDays: 30, preventDestroy: true, tags: TAGS };
const auditProps = { envName: 'prod', region: 'eu-west-1', accountId: '123456789012', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k', retentionDays: 365, objectLockMode: 'COMPLIANCE' as const, preventDestroy: true, tags: TAGS };
const withEnv = (build: (s: TerraformStack, e: GovernedEnvironment) => void, overrides: Partial<GovernedEnvironmentProps> = {}) => (app: App) => {
  const s = stack(app);
  build(s, new GovernedEnvironment(s, 'env', envProps(overrides)));
};

/**
 * The gateway redesign's inputs (issues 11, 12 and 16): who deploys, who approves, quota tiers,
 * what tools may use, the account's settings and endpoints owned once per account, Region and VPC,
 * names that fit AWS's limits and collide with nothing, revocations only a named revoker makes at a
 * time that has come, and tool targets that can neither leak a credential nor reach inside.
 */
const DEPLOYER = 'arn:aws:iam::123456789012:role/platform-ci';
const APPROVER_IC = { email: 'incident-commander@example.com', principalArn: 'arn:aws:iam::123456789012:role/approvers/incident-commander' };
const APPROVER_SRE = { email: 'sre-lead@example.com', principalArn: 'arn:aws:iam::123456789012:role/approvers/sre-lead' };
const TIER = { ratePerSecond: 10, burst: 20, monthlyRequests: 1_000_000 };
const ENDPOINT = 'vpce-0abc12345678';
const OTHER_VPC = { vpcId: 'vpc-0def98765432', privateSubnetIds: ['subnet-0ccc55556666'] };

const PLATFORM_INPUT_ROWS: BadInput[] = [
  { when: 'no deployer role is given', build: env({ deployerRoleArns: undefined }), path: 'test/env', prop: 'deployerRoleArns', value: 'nothing', allowed: /at least one IAM role ARN \(the roles that run Terraform for this environment\)/, fix: /name the CI role that applies the platform stack, e\.g\. "arn:aws:iam::123456789012:role\/platform-ci"/ },
  { when: 'the deployer roles are an empty list', build: env({ deployerRoleArns: [] }), path: 'test/env', prop: 'deployerRoleArns', value: '[]', allowed: /at least one IAM role ARN/, fix: /name the CI role/ },
  { when: 'a deployer is an IAM user, not a role', build: env({ deployerRoleArns: [DEPLOYER, 'arn:aws:iam::123456789012:user/ci-bot'] }), path: 'test/env', prop: 'deployerRoleArns[1]', value: '"arn:aws:iam::123456789012:user/ci-bot"', allowed: /an IAM role ARN like "arn:aws:iam::123456789012:role\/platform-ci"/, fix: /use the role ARN, not a user or an assumed-role session/ },
  { when: 'the deployer roles are one string', build: env({ deployerRoleArns: DEPLOYER }), path: 'test/env', prop: 'deployerRoleArns', value: `"${DEPLOYER}"`, allowed: /a list of IAM role ARNs/, fix: /wrap the role ARN in a list/ },
  { when: "an approver's e-mail is a bare name", build: env({ approvers: [{ ...APPROVER_IC, email: 'incident commander' }, APPROVER_SRE] }), path: 'test/env', prop: 'approvers[0].email', value: '"incident commander"', allowed: /an e-mail address/, fix: /name the approver by e-mail, as tool grants do/ },
  { when: "an approver's principal is not an IAM ARN", build: env({ approvers: [APPROVER_IC, { ...APPROVER_SRE, principalArn: 'sre-lead' }] }), path: 'test/env', prop: 'approvers[1].principalArn', value: '"sre-lead"', allowed: /an IAM role or user ARN only this approver can act as/, fix: /approver's own IAM Identity Center role/ },
  {
    when: 'an approver is registered twice with e-mails differing only in case',
    build: env({ approvers: [APPROVER_IC, APPROVER_SRE, { email: 'Incident-Commander@Example.com', principalArn: 'arn:aws:iam::123456789012:role/approvers/other' }] }),
    path: 'test/env', prop: 'approvers[2].email', value: '"Incident-Commander@Example.com"', allowed: /each approver once \(also approvers\[0\], e-mails compare without case\)/, fix: /remove the duplicate/,
  },
  { when: 'the quota tiers are empty', build: env({ quotaTiers: {} }), path: 'test/env', prop: 'quotaTiers', value: '{}', allowed: /an object of at least one tier: \{ <tier>: \{ ratePerSecond, burst, monthlyRequests \} \}/, fix: /define the tiers workloads may choose, e\.g\. \{"standard":/ },
  {
    when: 'there are 11 quota tiers (each is a usage plan)',
    build: env({ quotaTiers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`tier-${i}`, TIER])) }),
    path: 'test/env', prop: 'quotaTiers', value: '["tier-0","tier-1"', allowed: /at most 10 tiers \(each is a usage plan, 300 per account and Region\)/, fix: /merge tiers/,
  },
  { when: 'a quota tier name has capitals and a space', build: env({ quotaTiers: { 'Gold Tier': TIER } }), path: 'test/env', prop: 'quotaTiers["Gold Tier"]', value: '"Gold Tier"', allowed: /a lowercase slug of at most 32 characters/, fix: /name the tier like "standard" or "batch"/ },
  { when: "a quota tier's burst is below its rate", build: env({ quotaTiers: { standard: { ...TIER, ratePerSecond: 50, burst: 10 } } }), path: 'test/env', prop: 'quotaTiers["standard"].burst', value: '10', allowed: /a whole number of at least ratePerSecond \(50\): the token bucket holds at most burst requests/, fix: /set burst to at least 50 \(twice the rate, 100, is usual\)/ },
  { when: "a quota tier's rate is Infinity", build: env({ quotaTiers: { standard: { ...TIER, ratePerSecond: Infinity } } }), path: 'test/env', prop: 'quotaTiers["standard"].ratePerSecond', value: 'Infinity', allowed: /a positive number, finite/, fix: /set the steady request rate per caller/ },
  { when: "a quota tier's burst is zero", build: env({ quotaTiers: { standard: { ...TIER, burst: 0 } } }), path: 'test/env', prop: 'quotaTiers["standard"].burst', value: '0', allowed: /a whole number of at least 1/, fix: /set the burst per caller/ },
  { when: "a quota tier's monthly quota is fractional", build: env({ quotaTiers: { standard: { ...TIER, monthlyRequests: 1.5 } } }), path: 'test/env', prop: 'quotaTiers["standard"].monthlyRequests', value: '1.5', allowed: /a whole number of at least 1/, fix: /set the monthly request quota per caller/ },
  {
    // Its gateway key would go on "standard", which has no usage plan: the first rotation would fail after apply.
    when: 'an agent leaves quotaTier out in an environment without a "standard" tier',
    build: agent({}, { quotaTiers: { batch: TIER, interactive: { ...TIER, ratePerSecond: 20, burst: 40 } } }),
    path: 'test/agent', prop: 'quotaTier', value: 'nothing', allowed: /one of dev's quota tiers \["batch","interactive"\] \(it has no "standard" tier, the default\)/, fix: /set quotaTier to one of them/,
  },
  {
    when: 'allowed tool credentials are every secret of every account and Region',
    build: env({ allowedToolTargets: { credentialSecrets: ['arn:aws:secretsmanager:*:*:secret:*'] } }),
    path: 'test/env', prop: 'allowedToolTargets.credentialSecrets[0]', value: '"arn:aws:secretsmanager:*:*:secret:*"', allowed: /a secretsmanager ARN with region and account spelled out and a wildcard, if any, only after a name prefix/, fix: /a pattern for every resource of a type or account is a wildcard grant/,
  },
  {
    when: 'allowed tool functions are every function of the account',
    build: env({ allowedToolTargets: { functions: ['arn:aws:lambda:eu-west-1:123456789012:function:*'] } }),
    path: 'test/env', prop: 'allowedToolTargets.functions[0]', value: '"arn:aws:lambda:eu-west-1:123456789012:function:*"', allowed: /a lambda ARN with region and account spelled out and a wildcard, if any, only after a name prefix \(e\.g\. "arn:aws:lambda:eu-west-1:123456789012:function:runbook-\*"\)/, fix: /name the prefix the tool owners use/,
  },
  {
    when: 'allowed tool keys are every key of the account',
    build: env({ allowedToolTargets: { credentialKeys: ['arn:aws:kms:eu-west-1:123456789012:key/*'] } }),
    path: 'test/env', prop: 'allowedToolTargets.credentialKeys[0]', value: '"arn:aws:kms:eu-west-1:123456789012:key/*"', allowed: /a kms ARN with region and account spelled out/, fix: /wildcard grant/,
  },
  {
    when: 'the existing execute-api endpoint id is malformed',
    build: env({ network: { ...envProps().network, interfaceEndpoints: { executeApiEndpointId: 'endpoint-1', endpointIps: ['10.0.1.10'] } } }),
    path: 'test/env', prop: 'network.interfaceEndpoints.executeApiEndpointId', value: '"endpoint-1"', allowed: /a VPC endpoint id like "vpce-0abc1234"/, fix: /name the execute-api endpoint the VPC already has/,
  },
  {
    when: 'existing endpoints are named without their IPs in a Kubernetes environment',
    build: env({ network: { ...envProps().network, interfaceEndpoints: { executeApiEndpointId: ENDPOINT } } }),
    path: 'test/env', prop: 'network.interfaceEndpoints.endpointIps', value: 'nothing', allowed: /the private IPv4 addresses of the existing endpoints \(Kubernetes egress on 443 goes to these only\)/, fix: /aws ec2 describe-network-interfaces/,
  },
  {
    when: 'an existing endpoint IP is not an IPv4 address',
    build: env({ network: { ...envProps().network, interfaceEndpoints: { executeApiEndpointId: ENDPOINT, endpointIps: ['10.0.1.300'] } } }),
    path: 'test/env', prop: 'network.interfaceEndpoints.endpointIps[0]', value: '"10.0.1.300"', allowed: /an IPv4 address/, fix: /fix the address/,
  },
  { when: 'the account settings are neither owned here nor elsewhere', build: env({ accountSettings: 'shared' }), path: 'test/env', prop: 'accountSettings', value: '"shared"', allowed: /"owned-here" or "owned-elsewhere"/, fix: /let one environment per account and Region own the account settings/ },
  { when: 'the account id is not 12 digits', build: env({ accountId: '1234-5678-9012' }), path: 'test/env', prop: 'accountId', value: '"1234-5678-9012"', allowed: /a 12-digit AWS account id/, fix: /pass the account id the environment deploys to, or leave it out/ },
  {
    when: 'an environment still sets the removed manageApiGatewayAccount',
    build: env({ manageApiGatewayAccount: true }),
    path: 'test/env', prop: 'manageApiGatewayAccount', value: 'true', allowed: /nothing: the prop was replaced by accountSettings/, fix: /use accountSettings: 'owned-here' in the one environment of the account and Region that owns them, 'owned-elsewhere' in the others/,
  },
];

/** Two environments of one app: `first` in stack `one`, `second` (the one that must fail) in stack `two`. */
function twoEnvironments(first: Partial<GovernedEnvironmentProps>, second: Partial<GovernedEnvironmentProps>): (app: App) => void {
  return (app) => {
    new GovernedEnvironment(stack(app, 'one'), 'env', envProps(first));
    new GovernedEnvironment(stack(app, 'two'), 'env', envProps(second));
  };
}

const SINGLETON_ROWS: BadInput[] = [
  {
    when: "two environments of one app own one account and Region's settings (undeclared account: assumed shared)",
    build: twoEnvironments({ name: 'dev' }, { name: 'staging', network: OTHER_VPC }),
    path: 'two/env', prop: 'accountSettings', value: '"owned-here"', allowed: /one owner per account and Region.*account settings of undeclared-account\/eu-west-1 owned by both 'one\/env' \(dev\) and 'two\/env' \(staging\)/, fix: /set accountSettings: 'owned-here' on the production environment and 'owned-elsewhere' on the others \(or declare accountId when they are different accounts\)/,
  },
  {
    when: 'two environments declaring the same account own its settings',
    build: twoEnvironments({ name: 'dev', accountId: '123456789012' }, { name: 'staging', accountId: '123456789012', network: OTHER_VPC }),
    path: 'two/env', prop: 'accountSettings', value: '"owned-here"', allowed: /account settings of 123456789012\/eu-west-1 owned by both 'one\/env' \(dev\) and 'two\/env' \(staging\)/, fix: /'owned-elsewhere' on the others/,
  },
  {
    when: "a production environment shares an account and Region whose settings a non-production environment owns",
    build: twoEnvironments({ name: 'dev', accountId: '123456789012' }, { name: 'prod', tier: 'production', accountId: '123456789012', accountSettings: 'owned-elsewhere', logRetentionDays: 731, network: OTHER_VPC }),
    path: 'two/env', prop: 'accountSettings', value: '"owned-elsewhere"', allowed: /production environment prod shares 123456789012\/eu-west-1 with dev, which owns the account settings: production prompts and answers would land in a non-production sink/, fix: /set accountSettings: 'owned-here' on the production environment/,
  },
  {
    when: 'two environments create interface endpoints in one VPC',
    build: twoEnvironments({ name: 'dev' }, { name: 'staging', accountSettings: 'owned-elsewhere' }),
    path: 'two/env', prop: 'network.interfaceEndpoints', value: '"create"', allowed: /a VPC without private-DNS endpoints of another environment \(VPC vpc-0abc12345678 gets them from 'one\/env'; AWS allows one per service with private DNS per VPC\)/, fix: /set network\.interfaceEndpoints to \{ executeApiEndpointId, endpointIps \} of 'one\/env''s endpoints, or give the environment its own VPC/,
  },
];

const LONG_ENV = 'abcdefghijklmnop'; // 16 characters, the longest environment name
const LONG_WORKLOAD = 'w'.repeat(40);

const NAME_ROWS: BadInput[] = [
  {
    // The workload name limit (32) is what keeps every derived name within AWS's limits; 40 is refused there.
    when: 'a workload name of 40 characters is given in a 16-character environment',
    build: (app) => {
      const s = stack(app);
      new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps({ name: LONG_ENV })), { name: LONG_WORKLOAD }));
    },
    path: 'test/svc', prop: 'name', value: `"${LONG_WORKLOAD}"`, allowed: /a lowercase slug of at most 32 characters/, fix: /name the workload like "support-chat"/,
  },
  {
    // Used alone, the identity primitive derives the role name and refuses one over IAM's 64.
    when: "a 40-character workload's integration identity in a 16-character environment would be a 65-character IAM role name",
    build: withEnv((s, e) => new WorkloadIdentity(s, 'identity', { environment: e, name: `${LONG_WORKLOAD}-gw`, runtime: { kind: 'gateway-integration', functionRoleArn: e.gateway.functionRoleArn }, tags: TAGS }), { name: LONG_ENV }),
    path: 'test/identity', prop: 'name', value: `"${LONG_WORKLOAD}-gw"`, allowed: new RegExp(`a value whose IAM role name "${LONG_ENV}-euw1-${LONG_WORKLOAD}-gw" fits AWS's limit of 64 characters \\(it has 65\\)`), fix: /shorten name by at least 1 characters/,
  },
  { when: 'a workload takes a platform name ("platform-x")', build: svc({ name: 'platform-x' }), path: 'test/svc', prop: 'name', value: '"platform-x"', allowed: /"platform" and names starting "platform-" are the platform's/, fix: /name the workload after what it does/ },
  { when: 'a workload name ends in the integration suffix ("x-gw")', build: svc({ name: 'x-gw' }), path: 'test/svc', prop: 'name', value: '"x-gw"', allowed: /names ending "-gw" are derived identities of another workload/, fix: /name the workload after what it does/ },
  { when: 'a workload name ends in the Bedrock agent suffix ("x-bedrock")', build: svc({ name: 'x-bedrock' }), path: 'test/svc', prop: 'name', value: '"x-bedrock"', allowed: /names ending "-bedrock" are derived identities of another workload/, fix: /name the workload after what it does/ },
  { when: 'a workload is named "audit" (the audit log groups)', build: svc({ name: 'audit' }), path: 'test/svc', prop: 'name', value: '"audit"', allowed: /a name other than "audit" and "gateway" \(the environment's audit and decision log groups live under those names\)/, fix: /name the workload after what it does/ },
  { when: 'a workload is named "gateway" (the decision log group)', build: svc({ name: 'gateway' }), path: 'test/svc', prop: 'name', value: '"gateway"', allowed: /a name other than "audit" and "gateway"/, fix: /name the workload after what it does/ },
  { when: 'an agent takes a platform name ("platform-agent")', build: agent({ name: 'platform-agent', ...agentContainer({ namespace: 'triage' }) }), path: 'test/agent', prop: 'name', value: '"platform-agent"', allowed: /"platform" and names starting "platform-" are the platform's/, fix: /name the workload after what it does/ },
];

const REVOCATION_ROWS: BadInput[] = [
  { when: 'the revoker is not a named revoker of the workload or its environment', build: svc({ revoked: { ...REVOKED, by: 'mallory@example.com' } }), path: 'test/svc', prop: 'revoked.by', value: '"mallory@example.com"', allowed: /a named revoker of this workload or its environment \(secops@example\.com\)/, fix: /have the named revoker revoke, or change the owner's revoker through review first/ },
  { when: 'the revocation is in the future without scheduled', build: svc({ revoked: { ...REVOKED, at: '2026-12-01T00:00:00Z' } }), path: 'test/svc', prop: 'revoked.at', value: '"2026-12-01T00:00:00Z"', allowed: /a time not after today \(2026-11-22\), or a scheduled revocation/, fix: /to revoke at a future time, add revoked\.scheduled: true/ },
  { when: 'a scheduled revocation is in the past', build: svc({ revoked: { ...REVOKED, scheduled: true } }), path: 'test/svc', prop: 'revoked.scheduled', value: 'true', allowed: /true only with a future time/, fix: /remove revoked\.scheduled: the revocation at 2026-11-20T09:00:00Z is already in effect/ },
  { when: "an agent's revoker is not a named revoker", build: agent({ revoked: { ...REVOKED, by: 'priya.nair@example.com' } }), path: 'test/agent', prop: 'revoked.by', value: '"priya.nair@example.com"', allowed: /a named revoker of this workload or its environment/, fix: /have the named revoker revoke/ },
  {
    when: "a revoked service is used as an agent's model",
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps(AGENT_ENV));
      const legacy = new GovernedInferenceService(s, 'legacy', serviceProps(e, { name: 'legacy', ...k8s(), revoked: REVOKED } as any));
      new GovernedAgent(s, 'agent', agentProps(e, { models: [legacy] }));
    },
    path: 'test/agent', prop: 'models', value: '"legacy"', allowed: /services that are not revoked/, fix: /remove legacy from the agent's models: it was revoked \(test\/legacy\)/,
  },
  {
    when: "a Bedrock-backed service is given as grantInvoke's grantee (it runs no code that could call)",
    build: (app) => {
      const s = stack(app);
      const e = new GovernedEnvironment(s, 'env', envProps());
      const chat = new GovernedInferenceService(s, 'chat', serviceProps(e, { name: 'chat' }));
      chat.grantInvoke(new GovernedInferenceService(s, 'summarizer', serviceProps(e, { name: 'summarizer' })));
    },
    path: 'test/chat', prop: 'grantInvoke(grantee)', value: '"test/summarizer"', allowed: /a workload that runs code and calls the gateway: a Kubernetes-hosted GovernedInferenceService, a GovernedAgent, or a workload identity/, fix: /grant the workload that calls chat, not summarizer \(a bedrock-backed service has no code that could call it\)/,
  },
];

/** A tool grant with its target (and whatever else) replaced: the agent's only tool. */
const tool = (base: ToolGrant, patch: Partial<ToolGrant> | Record<string, unknown>) => agent({ tools: [{ ...base, ...patch }] });
const httpTool = (url: string) => tool(ticketingRead, { target: { kind: 'http', url } });
const at = (name: string) => `tools (${name})`;
/** The agent's only tool, as the grant check names it. */
const url = 'tools[0] (ticketing-read).target.url';

const TOOL_ROWS: BadInput[] = [
  {
    when: 'a tool URL carries a user name and password',
    build: httpTool('https://bot:s3cr3t@tickets.example.com/api'),
    path: 'test/agent', prop: url, value: '"https://REDACTED:REDACTED@tickets.example.com/api"', allowed: /a URL without user name or password \(they would be in the synthesized JSON, the state and every log\)/, fix: /remove the userinfo and put the credential in a tool-side secret \(credential\.secretArn\)/,
    secrets: ['s3cr3t', 'bot:'],
  },
  {
    when: 'a tool URL is localhost with an API key in the query',
    build: httpTool('https://localhost:8443/admin?api_key=abc123'),
    path: 'test/agent', prop: url, value: '"https://localhost:8443/admin?api_key=REDACTED"', allowed: /a URL without credential-like query parameters \(found api_key\)/, fix: /put the credential in a tool-side secret \(credential\.secretArn, sent as a header\)/,
    also: [{ prop: url, value: '"https://localhost:8443/admin?api_key=REDACTED"', allowed: /a public host name \(not loopback, link-local, private, metadata or \.internal\/\.local\)/, fix: /reach internal systems through a governed service or a Lambda tool, never by an internal address/ }],
    secrets: ['abc123'],
  },
  {
    when: 'a tool URL is the instance metadata service',
    build: httpTool('https://169.254.169.254/latest/meta-data'),
    path: 'test/agent', prop: url, value: '"https://169.254.169.254/latest/meta-data"', allowed: /a public host name \(not loopback, link-local, private, metadata/, fix: /never by an internal address/,
  },
  {
    when: 'a tool URL is plain http',
    build: httpTool('http://tickets.example.com'),
    path: 'test/agent', prop: url, value: '"http://tickets.example.com/"', allowed: /an https URL \(the tool credential travels in a header\)/, fix: /use the tool API's https address/,
  },
  {
    when: 'a tool URL is plain http with a token in the query',
    build: httpTool('http://tickets.example.com/api?token=abc123'),
    path: 'test/agent', prop: url, value: '"http://tickets.example.com/api?token=REDACTED"', allowed: /an https URL/, fix: /use the tool API's https address/,
    also: [{ prop: url, value: '"http://tickets.example.com/api?token=REDACTED"', allowed: /a URL without credential-like query parameters \(found token\)/, fix: /tool-side secret/ }],
    secrets: ['abc123'],
  },
  {
    when: 'a tool URL does not parse but carries a password',
    build: httpTool('https://bot:s3cr3t@'),
    path: 'test/agent', prop: url, value: '"https://REDACTED@"', allowed: /an absolute https URL like "https:\/\/tickets\.example\.com\/api\/v2"/, fix: /write the full URL of the tool API/,
    secrets: ['s3cr3t'],
  },
  {
    when: 'a Lambda tool is in a region the environment does not allow',
    build: agent({ tools: [{ ...runbookSearch, target: { kind: 'lambda', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:runbook-search' } }] }, { allowedToolTargets: { functions: ['arn:aws:lambda:us-east-1:123456789012:function:runbook-*'] } }),
    path: 'test/agent', prop: `${at('runbook-search')}.target.functionArn`, value: '"arn:aws:lambda:us-east-1:123456789012:function:runbook-search"', allowed: /a function in one of dev's allowed regions \["eu-west-1"\]/, fix: /use the tool function of an allowed region/,
  },
  {
    when: "a Lambda tool is not on the environment's allowed tool targets",
    build: tool(runbookSearch, { target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:payments-refund' } }),
    path: 'test/agent', prop: `${at('runbook-search')}.target.functionArn`, value: '"arn:aws:lambda:eu-west-1:123456789012:function:payments-refund"', allowed: /a function on dev's allowedToolTargets\.functions \["arn:aws:lambda:eu-west-1:123456789012:function:tool-\*","arn:aws:lambda:eu-west-1:123456789012:function:runbook-\*"\]/, fix: /ask the platform team \(sam\.ortiz@example\.com\) to allow the function, or use an allowed one/,
  },
  {
    when: "a tool credential is not on the environment's allowed tool targets",
    build: tool(ticketingRead, { credential: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/api-key-AbCdEf', rotationDays: 30 } }),
    path: 'test/agent', prop: `${at('ticketing-read')}.credential.secretArn`, value: '"arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/api-key-AbCdEf"', allowed: /a secret on dev's allowedToolTargets\.credentialSecrets \["arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools\/\*"\]/, fix: /ask the platform team \(sam\.ortiz@example\.com\) to allow the tool's credential, or use an allowed one/,
  },
  {
    when: 'a tool approver is not registered with the environment',
    build: tool(ticketingWrite, { approval: { approvers: ['incident-commander@example.com', 'mallory@example.com'] } }),
    path: 'test/agent', prop: `${at('ticketing-write')}.approval.approvers[1]`, value: '"mallory@example.com"', allowed: /an approver registered with dev \(incident-commander@example\.com, sre-lead@example\.com\)/, fix: /ask the platform team \(sam\.ortiz@example\.com\) to register the approver with the principal only they can act as/,
  },
  {
    when: 'a tool targets a governed service',
    build: tool(ticketingRead, { target: { kind: 'governed-service', service: { name: 'chat' } } }),
    path: 'test/agent', prop: `${at('ticketing-read')}.target`, value: '{"kind":"governed-service","service":{"name":"chat"}}', allowed: /an http or lambda tool/, fix: /call the service as a model instead \(models: \[chat\]\)/,
  },
];

/** The primitives are public API too: used alone, they refuse what would weaken a control or fail at apply. */
const PRIMITIVE_ROWS: BadInput[] = [
  { when: 'a key would be deleted at once (0-day window)', build: (app) => new EnvironmentKey(stack(app), 'key', { ...keyProps, deletionWindowDays: 0 }), path: 'test/key', prop: 'deletionWindowDays', value: '0', allowed: /from 7 to 30 \(never immediate deletion\)/, fix: /30 in production/ },
  { when: 'a key deletion window is 90 days', build: (app) => new EnvironmentKey(stack(app), 'key', { ...keyProps, deletionWindowDays: 90 }), path: 'test/key', prop: 'deletionWindowDays', value: '90', allowed: /from 7 to 30/, fix: /at least 7 elsewhere/ },
  { when: "a key's prevent-destroy is a string", build: (app) => new EnvironmentKey(stack(app), 'key', { ...keyProps, preventDestroy: 'yes' as any }), path: 'test/key', prop: 'preventDestroy', value: '"yes"', allowed: /true or false/, fix: /true in production/ },
  { when: 'an audit archive lock mode is unknown', build: (app) => new AuditSink(stack(app), 'audit', { ...auditProps, objectLockMode: 'LEGAL_HOLD' as any }), path: 'test/audit', prop: 'objectLockMode', value: '"LEGAL_HOLD"', allowed: /COMPLIANCE or GOVERNANCE/, fix: /COMPLIANCE in production/ },
  { when: 'an audit log retention is not a CloudWatch value', build: (app) => new AuditSink(stack(app), 'audit', { ...auditProps, retentionDays: 100 }), path: 'test/audit/invocation-logs', prop: 'retentionDays', value: '100', allowed: /one of CloudWatch's retention values/, fix: /365 or more in production/ },
  { when: 'a log sink keeps logs 0 days', build: (app) => new LogSink(stack(app), 'logs', { name: '/x', kmsKeyArn: auditProps.kmsKeyArn, retentionDays: 0, tags: TAGS }), path: 'test/logs', prop: 'retentionDays', value: '0', allowed: /one of CloudWatch's retention values 1, 3/, fix: /environment's retention/ },
  { when: 'a log sink has no key', build: (app) => new LogSink(stack(app), 'logs', { name: '/x', kmsKeyArn: '', retentionDays: 90, tags: TAGS }), path: 'test/logs', prop: 'kmsKeyArn', value: '""', allowed: /the environment key's ARN/, fix: /logs hold prompts and answers/ },
  { when: 'a budget primitive gets a string amount', build: (app) => new Budget(stack(app), 'budget', { name: 'b', workload: 'w', monthlyUsd: '50' as any, alertEmails: ['a@example.com'], tags: TAGS }), path: 'test/budget', prop: 'monthlyUsd', value: '"50"', allowed: /finite positive amount/, fix: /e\.g\. 200/ },
  { when: 'a budget primitive has no alert e-mail', build: (app) => new Budget(stack(app), 'budget', { name: 'b', workload: 'w', monthlyUsd: 50, alertEmails: [], tags: TAGS }), path: 'test/budget', prop: 'alertEmails', value: '[]', allowed: /a list of 1 to 10 e-mail addresses/, fix: /team mailing list/ },
  {
    // Keys go on their quota tier's usage plan (the rotation function looks the plan up by tier).
    when: 'a gateway-key secret has no quota tier (its first rotation would have no usage plan)',
    build: withEnv((s, e) => new RotatingSecret(s, 'secret', { environment: e, workload: 'chat', name: 'gateway-api-key', description: 'd', strategy: 'api-gateway-key', tags: TAGS })),
    path: 'test/secret', prop: 'quotaTier', value: 'nothing', allowed: /the quota tier new keys go on/, fix: /pass the workload's quotaTier/,
  },
  {
    when: 'a secret rotation strategy is unknown',
    build: withEnv((s, e) => new RotatingSecret(s, 'secret', { environment: e, workload: 'chat', name: 'token', description: 'd', strategy: 'manual' as any, tags: TAGS })),
    path: 'test/secret', prop: 'strategy', value: '"manual"', allowed: /"generated-token" or "api-gateway-key"/, fix: /new value/,
  },
  {
    when: 'a secret name has a slash',
    build: withEnv((s, e) => new RotatingSecret(s, 'secret', { environment: e, workload: 'chat', name: 'db/password', description: 'd', strategy: 'generated-token', tags: TAGS })),
    path: 'test/secret', prop: 'name', value: '"db/password"', allowed: /letters, digits and _\+=\.@-/, fix: /"gateway-api-key"/,
  },
  {
    when: 'a workload identity role name would exceed 64 characters',
    build: withEnv((s, e) => new WorkloadIdentity(s, 'identity', { environment: e, name: 'x'.repeat(62), runtime: { kind: 'aws-service', service: 'lambda.amazonaws.com', sourceArns: ['arn:aws:lambda:eu-west-1:123456789012:function:f'] }, tags: TAGS })),
    path: 'test/identity', prop: 'name', value: `"${'x'.repeat(62)}"`, allowed: new RegExp(`IAM role name "dev-euw1-${'x'.repeat(62)}" fits AWS's limit of 64 characters \\(it has 71\\)`), fix: /shorten name by at least 7 characters/,
  },
];

export const CONSTRUCT_ROWS: readonly BadInput[] = [
  ...ENVIRONMENT_ROWS,
  ...SERVICE_ROWS,
  ...AGENT_ROWS,
  ...PLATFORM_INPUT_ROWS,
  ...SINGLETON_ROWS,
  ...NAME_ROWS,
  ...REVOCATION_ROWS,
  ...TOOL_ROWS,
  ...PRIMITIVE_ROWS,
];

describe('bad-input matrix: constructs', () => {
  test('covers at least 160 distinct bad inputs', () => {
    expect(new Set(CONSTRUCT_ROWS.map((r) => r.when)).size).toBe(CONSTRUCT_ROWS.length);
    expect(CONSTRUCT_ROWS.length).toBeGreaterThanOrEqual(160);
  });

  test.each(CONSTRUCT_ROWS.map((r) => [r.when, r] as const))('fails when %s', (_when, row) => {
    const { error, written } = runBadInput(row);
    const e = asValidationError(error);
    // Thrown by the library's validation, not from inside cdktf, constructs or a provider.
    expect(e).not.toBeInstanceOf(TypeError);
    expect(thrownFrom(e)).not.toMatch(/node_modules/);
    // One error with one problem per fault of the bad input, nothing else.
    const expected = [row, ...(row.also ?? [])];
    expect(e.problems).toHaveLength(expected.length);
    expect(e.constructPath).toBe(row.path);
    expect(e.message).toMatch(new RegExp(`at '${literal(row.path)}'`));
    expected.forEach((want, i) => {
      const problem = e.problems[i];
      expect(e.message).toMatch(new RegExp(`- ${literal(want.prop)}: got ${literal(want.value)}`));
      expect(problem.prop).toBe(want.prop);
      expect(problem.allowed).toMatch(want.allowed);
      expect(problem.fix).toMatch(want.fix);
      expect(e.message).toContain(`; allowed: ${problem.allowed}; fix: ${problem.fix}`);
    });
    // A secret the input carried is never echoed (the error lands in CI logs and tickets).
    for (const secret of row.secrets ?? []) expect(e.message).not.toContain(secret);
    // Nothing a later `terraform apply` could pick up.
    expect(written).toEqual([]);
  });
});

/**
 * App-level bad input: a control weakened by hand (an escape-hatch override) in a GovernedApp.
 * Synth must fail with one GovernanceCheckFailed naming the construct path, the address, the
 * value and what is allowed, and the fix, and withdraw cdk.tf.json and manifest.json so no later
 * apply can pick them up (the report that explains the failure stays).
 */
interface AppBadInput {
  readonly when: string;
  readonly build: (stack: TerraformStack) => void;
  readonly path: string;
  readonly finding: RegExp;
  readonly fix: RegExp;
}

/** A Kubernetes-hosted service in `s` (the stack gets its Kubernetes provider, as a WorkloadStack's would). */
function k8sService(s: TerraformStack, env: GovernedEnvironment): GovernedInferenceService {
  new KubernetesProvider(s, 'kubernetes', {});
  return new GovernedInferenceService(s, 'svc', serviceProps(env, k8s() as Partial<GovernedInferenceServiceProps>));
}

const prodEnv = (s: TerraformStack) => new GovernedEnvironment(s, 'env', envProps({ name: 'prod', tier: 'production', logRetentionDays: 731 }));

const APP_ROWS: AppBadInput[] = [
  {
    when: "an override removes a workload role's permission boundary",
    build: (s) => k8sService(s, new GovernedEnvironment(s, 'env', envProps())).role.addOverride('permissions_boundary', null),
    path: 'test/svc/identity/role', finding: /\[WorkloadRolePermissionBoundary\].*aws_iam_role\.svc_identity_role_[0-9A-F]+\): workload role at path \/governed\/dev\/ has no permissions_boundary/, fix: /fix: Set permissions_boundary to the environment's permissionBoundaryArn/,
  },
  {
    // A Bedrock-backed service's one identity is its integration identity (what the gateway function acts with).
    when: "an override removes an integration identity's permission boundary",
    build: (s) => new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps()))).role.addOverride('permissions_boundary', null),
    path: 'test/svc/identity/role', finding: /\[WorkloadRolePermissionBoundary\].*aws_iam_role\.svc_identity_role_[0-9A-F]+\): workload role at path \/governed\/dev\/integration\/ has no permissions_boundary/, fix: /fix: Set permissions_boundary to the environment's permissionBoundaryArn/,
  },
  {
    when: "an override deletes the prod key at once (deletion window 0)",
    build: (s) => prodEnv(s).key.key.addOverride('deletion_window_in_days', 0),
    path: 'test/env/key/key', finding: /\[DeletionRecoverable\].*aws_kms_key\.env_key_[0-9A-F]+\): deletion_window_in_days is 0; allowed 7 to 30 days/, fix: /fix: Keep deletion_window_in_days and recovery_window_in_days between 7 and 30/,
  },
  {
    when: 'an override makes a prod secret unrecoverable (recovery window 0)',
    // A Bedrock-backed service holds no secret now: a Kubernetes service's own token does.
    build: (s) => k8sService(s, prodEnv(s)).serviceToken!.secret.addOverride('recovery_window_in_days', 0),
    path: 'test/svc/service-token/secret', finding: /\[DeletionRecoverable\].*: recovery_window_in_days is 0; allowed 7 to 30 days/, fix: /fix: Keep deletion_window_in_days and recovery_window_in_days/,
  },
  {
    when: 'an override lets the audit archive be force-destroyed',
    build: (s) => prodEnv(s).auditSink.archive.addOverride('force_destroy', true),
    path: 'test/env/audit/archive', finding: /\[DeletionRecoverable\].*aws_s3_bucket\.env_audit_archive_[0-9A-F]+\): force_destroy is true on an object-locked bucket/, fix: /force_destroy = false on object-locked buckets/,
  },
  {
    when: 'an override gives a workload role 12-hour sessions',
    build: (s) => new GovernedInferenceService(s, 'svc', serviceProps(new GovernedEnvironment(s, 'env', envProps()))).role.addOverride('max_session_duration', 43200),
    path: 'test/svc/identity/role', finding: /\[RoleSessionAtMostOneHour\].*max_session_duration.*43200/, fix: /fix: /,
  },
];

describe('bad-input matrix: app-level synth (GovernedApp)', () => {
  test.each(APP_ROWS.map((r) => [r.when, r] as const))('fails when %s', (_when, row) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-app-'));
    try {
      const app = new GovernedApp({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY }, warn: () => undefined });
      let error: unknown;
      try {
        row.build(stack(app));
        app.synth();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GovernanceCheckFailed);
      const message = (error as Error).message;
      expect(message).toMatch(/^Governance check failed with \d+ error\(s\); the synthesized configuration was withdrawn/);
      expect(message).toContain(`test: ${row.path} (`);
      expect(message).toMatch(row.finding);
      expect(message).toMatch(row.fix);
      // Withdrawn: nothing Terraform or cdktf deploy would read is left; the report explaining it is.
      const written = listFiles(outdir);
      expect(written.filter((f) => f.endsWith('cdk.tf.json') || f === 'manifest.json')).toEqual([]);
      expect(written).toContain(path.join('stacks', 'test', 'governance.md'));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
