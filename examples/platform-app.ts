import type { Construct } from 'constructs';
import { PlatformStack } from '../stacks/platform-stack';
import type { DeploymentTeam } from '../constructs/platform/deployment-teams';
import { exampleNetwork } from './example-network';

/** Models the example environments allow. */
export const EXAMPLE_MODELS = ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0', 'amazon.titan-embed-text-v2:0'];
export const EXAMPLE_REGION = 'eu-west-1';

const platformTeam = {
  team: 'ai-platform',
  accountable: 'dana.lee@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops-oncall@example.com',
  reviewBy: '2027-06-30',
};

/** The example account (moto's default); real environments pass their own. */
export const EXAMPLE_ACCOUNT = '123456789012';

/** People who approve sensitive tool actions, each with the role only they can act as. */
export const EXAMPLE_APPROVERS = [
  { email: 'incident-commander@example.com', principalArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/approvers/incident-commander` },
  { email: 'sre-lead@example.com', principalArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/approvers/sre-lead` },
];

/**
 * The product teams deploying into dev, each with the CI identity that assumes its deployment role
 * and the workload names it owns (README: "Deployment roles for product teams").
 */
export const EXAMPLE_DEPLOYMENT_TEAMS: DeploymentTeam[] = [
  {
    team: 'customer-support',
    ci: { kind: 'github-actions', repository: 'example-org/support-workloads', environment: 'dev' },
    workloads: ['support-chat', 'ticket-summarizer', 'legacy-classifier'],
  },
  { team: 'risk-ml', ci: { kind: 'gitlab', projectPath: 'example-group/risk/fraud-models', branch: 'main' }, workloadPrefix: 'fraud-' },
  {
    team: 'sre',
    ci: [
      { kind: 'github-actions', repository: 'example-org/sre-agents', environment: 'dev' },
      { kind: 'role', roleArn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/ci/buildkite-sre` },
    ],
    workloads: ['incident-triage', 'triage-prototype'],
  },
];

/** Tenants the example environments serve: each workload names the ones whose data it handles. */
export const EXAMPLE_TENANTS = ['acme', 'globex'];

/**
 * Where images may come from: the model team's ECR repository (SageMaker pulls only from ECR in
 * the endpoint's region) and the example organisation's registry on GitHub.
 */
export const EXAMPLE_IMAGE_SOURCES = [
  { ecr: { accountId: EXAMPLE_ACCOUNT, region: EXAMPLE_REGION, repositories: ['fraud-model'] } },
  { registry: 'ghcr.io/example' },
];

/** The platform team's app: one stack per environment. */
export function platformApp(scope: Construct): { dev: PlatformStack; prod: PlatformStack } {
  const common = {
    owner: platformTeam,
    region: EXAMPLE_REGION,
    accountId: EXAMPLE_ACCOUNT,
    allowedRegions: [EXAMPLE_REGION],
    allowedModels: EXAMPLE_MODELS,
    // The CI role that runs Terraform for the environments (it uses the key through AWS services).
    deployerRoleArns: [`arn:aws:iam::${EXAMPLE_ACCOUNT}:role/platform-ci`],
    approvers: EXAMPLE_APPROVERS,
    quotaTiers: {
      standard: { ratePerSecond: 10, burst: 20, monthlyRequests: 1_000_000 },
      interactive: { ratePerSecond: 20, burst: 40, monthlyRequests: 2_000_000 },
    },
    // The tools agents may use: the ticketing team's credentials and the runbook functions.
    allowedToolTargets: {
      credentialSecrets: [`arn:aws:secretsmanager:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:secret:ticketing/*`],
      functions: [`arn:aws:lambda:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT}:function:runbook-*`],
    },
    tenants: EXAMPLE_TENANTS,
    imageSources: EXAMPLE_IMAGE_SOURCES,
    kubernetes: {
      clusterName: 'ai-workloads',
      gatewayNamespace: 'ai-gateway',
      gatewayPodLabels: { 'app.kubernetes.io/name': 'ai-gateway' },
      gatewayVpcLinkId: 'vl4example',
      gatewayNlbDnsName: 'ai-gateway-nlb.internal.example.com',
    },
  };
  const dev = new PlatformStack(scope, 'platform-dev', {
    ...common,
    name: 'dev',
    // dev and prod share the account and Region: prod owns the account's settings, so every
    // prompt and answer of the account lands in prod's sink, never prod's in dev's.
    accountSettings: 'owned-elsewhere',
    tier: 'non-production',
    network: (stack) => exampleNetwork(stack, '10.20.0.0/16', EXAMPLE_REGION),
    // Each product team deploys with its own role: only its own workloads, only with dev's boundaries.
    deploymentTeams: EXAMPLE_DEPLOYMENT_TEAMS,
  });
  const prod = new PlatformStack(scope, 'platform-prod', {
    ...common,
    name: 'prod',
    // Chosen, never guessed from the name: 30-day key and secret windows, prevent_destroy, COMPLIANCE lock.
    tier: 'production',
    // Shorter than default would fail: prod keeps logs at least a year.
    logRetentionDays: 731,
    secretRotationDays: 30,
    accountSettings: 'owned-here',
    network: (stack) => exampleNetwork(stack, '10.30.0.0/16', EXAMPLE_REGION),
  });
  return { dev, prod };
}
