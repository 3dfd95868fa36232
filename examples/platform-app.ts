import type { Construct } from 'constructs';
import { PlatformStack } from '../stacks/platform-stack';
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

/** Tenants the example environments serve: each workload names the ones whose data it handles. */
export const EXAMPLE_TENANTS = ['acme', 'globex'];

/**
 * Where images may come from: the model team's ECR repository (SageMaker pulls only from ECR in
 * the endpoint's region) and the example organisation's registry on GitHub.
 */
export const EXAMPLE_IMAGE_SOURCES = [
  { ecr: { accountId: '123456789012', region: 'eu-west-1', repositories: ['fraud-model'] } },
  { registry: 'ghcr.io/example' },
];

/** The platform team's app: one stack per environment. */
export function platformApp(scope: Construct): { dev: PlatformStack; prod: PlatformStack } {
  const common = {
    owner: platformTeam,
    region: EXAMPLE_REGION,
    allowedRegions: [EXAMPLE_REGION],
    allowedModels: EXAMPLE_MODELS,
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
    tier: 'non-production',
    network: (stack) => exampleNetwork(stack, '10.20.0.0/16', EXAMPLE_REGION),
  });
  const prod = new PlatformStack(scope, 'platform-prod', {
    ...common,
    name: 'prod',
    // Chosen, never guessed from the name: 30-day key and secret windows, prevent_destroy, COMPLIANCE lock.
    tier: 'production',
    // Shorter than default would fail: prod keeps logs at least a year.
    logRetentionDays: 731,
    secretRotationDays: 30,
    // The examples share one account; the account-level API Gateway logging role is dev's.
    manageApiGatewayAccount: false,
    network: (stack) => exampleNetwork(stack, '10.30.0.0/16', EXAMPLE_REGION),
  });
  return { dev, prod };
}
