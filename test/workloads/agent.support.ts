import type { TerraformStack } from 'cdktf';
import type { IGovernedEnvironment } from '../../constructs/governance/environment';
import type { ToolGrant } from '../../constructs/agent-authorization/tool-grants';
import type { GovernedAgentProps } from '../../constructs/workloads/agent-props';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { DIGEST, MODELS } from '../support';

/** A triage agent: one Bedrock model, ticketing read, ticketing write with approval, runbook search. */
export const AGENT_OWNER = {
  team: 'sre',
  accountable: 'priya.nair@example.com',
  approver: 'sam.ortiz@example.com',
  revoker: 'secops@example.com',
  reviewBy: '2027-02-28',
};

export const TICKETING_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/ticketing-api-AbCdEf';
export const RUNBOOK_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/runbooks-api-GhIjKl';
export const RUNBOOK_FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:runbook-search';

export function agentTools(): ToolGrant[] {
  return [
    {
      name: 'ticketing-read',
      target: { kind: 'http', url: 'https://tickets.example.com/api' },
      actions: ['read'],
      sensitivity: 'low',
      credential: { secretArn: TICKETING_SECRET, rotationDays: 30 },
    },
    {
      name: 'ticketing-write',
      target: { kind: 'http', url: 'https://tickets.example.com/api' },
      actions: ['write'],
      sensitivity: 'high',
      timeWindow: 'Mon-Fri 07:00-19:00',
      approval: { approvers: ['incident-commander@example.com'] },
      credential: { secretArn: TICKETING_SECRET, rotationDays: 30 },
    },
    {
      name: 'runbook-search',
      target: { kind: 'lambda', functionArn: RUNBOOK_FUNCTION },
      actions: ['read'],
      sensitivity: 'low',
    },
  ];
}

export function agentProps(environment: IGovernedEnvironment, overrides: Partial<GovernedAgentProps> = {}): GovernedAgentProps {
  return {
    environment,
    name: 'triage',
    owner: AGENT_OWNER,
    dataClassification: 'confidential',
    runtime: { kubernetes: { image: `ghcr.io/example/triage-agent@${DIGEST}`, resources: { cpu: '500m', memory: '1Gi' } } },
    models: [{ bedrockModelId: MODELS[0] }],
    tools: agentTools(),
    ...overrides,
  };
}

export function agent(stack: TerraformStack, environment: IGovernedEnvironment, overrides: Partial<GovernedAgentProps> = {}, id = 'agent'): GovernedAgent {
  return new GovernedAgent(stack, id, agentProps(environment, overrides));
}
