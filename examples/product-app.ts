import type { Construct } from 'constructs';
import type { ContractOptions } from '../constructs/platform/environment-contract';
import { GovernedInferenceService } from '../constructs/workloads/governed-inference-service';
import { WorkloadStack } from '../stacks/workload-stack';
import { EXAMPLE_REGION } from './platform-app';

const supportTeam = {
  team: 'customer-support',
  accountable: 'maria.chen@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops-oncall@example.com',
  reviewBy: '2027-03-31',
};

/**
 * A product team's app: three inference workloads in the dev environment, each one construct.
 * The environment comes from the contract the platform stack published: read live next to the
 * platform stack (main.ts), or from a pinned copy (`contract.file`), as in a product repository.
 */
export function productApp(scope: Construct, contract: ContractOptions = {}): WorkloadStack {
  const stack = new WorkloadStack(scope, 'product-dev', { environmentName: 'dev', region: EXAMPLE_REGION, contract: { kubernetes: 'from-contract', ...contract } });
  const environment = stack.environment;

  const chat = new GovernedInferenceService(stack, 'support-chat', {
    environment,
    name: 'support-chat',
    owner: supportTeam,
    dataClassification: 'confidential',
    tenants: ['acme', 'globex'],
    model: { bedrock: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } },
    budget: { monthlyUsd: 500, alertEmails: ['maria.chen@example.com'] },
  });

  new GovernedInferenceService(stack, 'fraud-scoring', {
    environment,
    name: 'fraud-scoring',
    owner: { ...supportTeam, team: 'risk-ml', accountable: 'ken.ito@example.com' },
    dataClassification: 'restricted',
    tenants: ['acme'],
    model: {
      sageMaker: {
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
        instanceType: 'ml.m5.large',
      },
    },
  });

  const summarizer = new GovernedInferenceService(stack, 'ticket-summarizer', {
    environment,
    name: 'ticket-summarizer',
    owner: supportTeam,
    dataClassification: 'confidential',
    tenants: ['acme', 'globex'],
    model: {
      kubernetes: {
        image: 'ghcr.io/example/summarizer@sha256:9b2a4c3f7e8d1a0b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b',
        replicas: 2,
        resources: { cpu: '1', memory: '2Gi' },
      },
    },
    // Its own calls (to the chat model) are metered on the interactive tier.
    quotaTier: 'interactive',
  });

  // A service taken out of use after an incident: one prop, one apply. Its identity denies
  // everything (sessions issued before included), its pods and Pod Identity association are
  // gone, its route entry says revoked, and its token stops rotating.
  new GovernedInferenceService(stack, 'legacy-classifier', {
    environment,
    name: 'legacy-classifier',
    owner: supportTeam,
    dataClassification: 'confidential',
    model: {
      kubernetes: {
        image: 'ghcr.io/example/legacy-classifier@sha256:1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d',
        resources: { cpu: '500m', memory: '1Gi' },
      },
    },
    revoked: { by: 'secops-oncall@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-5120: model served stale customer data' },
  });
  // The summarizer calls the chat model through the gateway: a grant, never a shared credential.
  chat.grantInvoke(summarizer);
  return stack;
}
