import type { Construct } from 'constructs';
import { GovernedAgent } from '../constructs/workloads/governed-agent';
import { WorkloadStack } from '../stacks/workload-stack';
import { EXAMPLE_REGION } from './platform-app';

const sre = {
  team: 'sre',
  accountable: 'priya.nair@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops-oncall@example.com',
  reviewBy: '2027-02-28',
};

/** Tool-side secrets: owned and rotated by the ticketing team, never readable by the agent. */
const TICKETING_API_TOKEN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticketing/agent-api-token-Q1w2E3';

/**
 * An incident-triage agent in dev: one model, three tools. It reads tickets at any time, writes
 * to tickets only in working hours and only with a signed approval from the incident commander,
 * and searches runbooks through a Lambda function. To revoke it, add
 * `revoked: { by, at, reason }` and apply (as the second agent here shows): every role denies
 * everything, the pods stop, and every tool call is refused.
 */
export function incidentTriageApp(scope: Construct): WorkloadStack {
  const stack = new WorkloadStack(scope, 'agents-dev', { environmentName: 'dev', region: EXAMPLE_REGION, contract: { kubernetes: 'from-contract' } });

  new GovernedAgent(stack, 'incident-triage', {
    environment: stack.environment,
    name: 'incident-triage',
    owner: sre,
    dataClassification: 'confidential',
    // A tool call for another tenant (header x-governance-tenant) is denied by Cedar.
    tenants: ['acme'],
    runtime: {
      kubernetes: {
        image: 'ghcr.io/example/incident-triage@sha256:7d2c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d',
        replicas: 1,
        resources: { cpu: '500m', memory: '1Gi' },
      },
    },
    // Model access: the chat model, through the agent's model route on the gateway.
    models: [{ bedrockModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
    // Tool access: separate grants, decided per request by Verified Permissions.
    tools: [
      {
        name: 'ticketing-read',
        target: { kind: 'http', url: 'https://tickets.example.com/api/v2' },
        actions: ['read'],
        sensitivity: 'low',
        credential: { secretArn: TICKETING_API_TOKEN, rotationDays: 30 },
      },
      {
        name: 'ticketing-write',
        target: { kind: 'http', url: 'https://tickets.example.com/api/v2' },
        actions: ['write'],
        sensitivity: 'high',
        // Working hours, and the Saturday-night maintenance window (across midnight, UTC).
        timeWindow: ['Mon-Fri 07:00-19:00', 'Sat 22:00-02:00'],
        approval: { approvers: ['incident-commander@example.com', 'sre-lead@example.com'] },
        credential: { secretArn: TICKETING_API_TOKEN, rotationDays: 30 },
      },
      {
        name: 'runbook-search',
        target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:runbook-search' },
        actions: ['read'],
        sensitivity: 'low',
      },
    ],
  });

  // An earlier agent, revoked: every role denies everything, no pods, no Pod Identity association,
  // its API key disabled and off its usage plan, a Cedar forbid on every tool call.
  new GovernedAgent(stack, 'triage-prototype', {
    environment: stack.environment,
    name: 'triage-prototype',
    owner: sre,
    dataClassification: 'confidential',
    runtime: {
      kubernetes: {
        image: 'ghcr.io/example/triage-prototype@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
        resources: { cpu: '250m', memory: '512Mi' },
      },
    },
    models: [{ bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }],
    tools: [
      {
        name: 'ticketing-read',
        target: { kind: 'http', url: 'https://tickets.example.com/api/v2' },
        actions: ['read'],
        sensitivity: 'low',
        credential: { secretArn: TICKETING_API_TOKEN, rotationDays: 30 },
      },
    ],
    revoked: { by: 'secops-oncall@example.com', at: '2026-11-18T16:30:00Z', reason: 'INC-5097: prototype retired after a prompt-injection test' },
  });
  return stack;
}
