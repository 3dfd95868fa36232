import type { AgentAuthorizationInput } from '../../constructs/agent-authorization/cedar-policies';
import { ProblemCollector } from '../../constructs/governance/errors';
import { checkToolGrants, type ResolvedToolGrant, type ToolGrant } from '../../constructs/agent-authorization/tool-grants';

/**
 * The grants the Cedar matrix and the authorizer tests share: an incident-triage agent with a
 * ticketing tool (read in office hours, write with approval) and a read-only runbook tool, a
 * deployer agent with its own tool, a model-only summarizer and a tool-only indexer.
 */
export const ENV = 'prod';
export const APPROVER = 'oncall-lead@example.com';
export const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
export const OTHER_MODEL = 'meta.llama3-70b-instruct-v1:0';

const secret = (name: string) => ({ secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/${name}-AbCdEf`, rotationDays: 30 });

export const TRIAGE_TOOLS: ToolGrant[] = [
  {
    name: 'ticketing',
    target: { kind: 'http', url: 'https://tickets.internal.example.com/api' },
    actions: ['read', 'write'],
    sensitivity: 'high',
    timeWindow: 'Mon-Fri 08:00-18:00',
    approval: { approvers: [APPROVER] },
    credential: secret('ticketing'),
  },
  {
    name: 'runbooks',
    target: { kind: 'http', url: 'https://runbooks.internal.example.com/search' },
    actions: ['read'],
    sensitivity: 'low',
    credential: secret('runbooks'),
  },
];

export const DEPLOYER_TOOLS: ToolGrant[] = [
  {
    name: 'kubectl',
    target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:kubectl-tool' },
    actions: ['read', 'write'],
    sensitivity: 'low',
  },
];

export function resolve(tools: ToolGrant[]): ResolvedToolGrant[] {
  const problems = new ProblemCollector('fixture');
  const resolved = checkToolGrants(problems, 'tools', tools);
  problems.throwIfAny();
  return resolved;
}

export function agents(opts: { triageRevoked?: boolean } = {}): AgentAuthorizationInput[] {
  return [
    {
      environment: ENV,
      agent: 'triage',
      tools: resolve(TRIAGE_TOOLS),
      models: [{ model: MODEL }],
      ...(opts.triageRevoked ? { revoked: { by: 'ciso@example.com', reason: 'prompt injection incident INC-42', at: '2026-11-21T09:00:00Z' } } : {}),
    },
    { environment: ENV, agent: 'deployer', tools: resolve(DEPLOYER_TOOLS), models: [] },
    { environment: ENV, agent: 'summarizer', tools: [], models: [{ model: MODEL }] },
    { environment: ENV, agent: 'indexer', tools: resolve(TRIAGE_TOOLS.filter((t) => t.name === 'runbooks')), models: [] },
  ];
}

/** One request of the matrix, in the words of the test name. */
export interface MatrixCase {
  readonly agent: string;
  /** `tool:action`, `otherAgent/tool:action`, or `model:<id>`. */
  readonly call: string;
  readonly at: string;
  readonly day: string;
  readonly hour: number;
  readonly approvedBy?: string;
  readonly revoked?: boolean;
  readonly expected: 'ALLOW' | 'DENY';
  readonly why: string;
}

export const MATRIX: MatrixCase[] = [
  { agent: 'triage', call: 'ticketing:read', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'ALLOW', why: 'granted read inside the window' },
  { agent: 'triage', call: 'ticketing:read', at: '20:00 Tue', day: 'Tue', hour: 20, expected: 'DENY', why: 'after the window closes' },
  { agent: 'triage', call: 'ticketing:read', at: '07:00 Tue', day: 'Tue', hour: 7, expected: 'DENY', why: 'before the window opens' },
  { agent: 'triage', call: 'ticketing:read', at: '10:00 Sat', day: 'Sat', hour: 10, expected: 'DENY', why: 'on a day outside the window' },
  { agent: 'triage', call: 'runbooks:read', at: '03:00 Sun', day: 'Sun', hour: 3, expected: 'ALLOW', why: 'no window on runbooks' },
  { agent: 'triage', call: 'runbooks:write', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'only read was granted' },
  { agent: 'triage', call: 'runbooks:delete', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'only read was granted' },
  { agent: 'triage', call: 'deployer/kubectl:read', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: "another agent's tool" },
  { agent: 'deployer', call: 'kubectl:write', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'ALLOW', why: 'its own tool' },
  { agent: 'deployer', call: 'triage/ticketing:read', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: "another agent's tool" },
  { agent: 'triage', call: 'ticketing:write', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'high sensitivity without approval' },
  { agent: 'triage', call: 'ticketing:write', at: '10:00 Tue', day: 'Tue', hour: 10, approvedBy: APPROVER, expected: 'ALLOW', why: 'approved by a named approver' },
  { agent: 'triage', call: 'ticketing:write', at: '10:00 Tue', day: 'Tue', hour: 10, approvedBy: 'someone@example.com', expected: 'DENY', why: 'approved by someone not named' },
  { agent: 'triage', call: 'ticketing:write', at: '20:00 Tue', day: 'Tue', hour: 20, approvedBy: APPROVER, expected: 'DENY', why: 'approval does not widen the window' },
  { agent: 'triage', call: 'model:' + MODEL, at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'ALLOW', why: 'granted model' },
  { agent: 'triage', call: 'model:' + OTHER_MODEL, at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'model not granted' },
  { agent: 'summarizer', call: 'triage/runbooks:read', at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'a model grant never grants a tool' },
  { agent: 'indexer', call: 'model:' + MODEL, at: '10:00 Tue', day: 'Tue', hour: 10, expected: 'DENY', why: 'a tool grant never grants a model' },
  { agent: 'triage', call: 'runbooks:read', at: '03:00 Sun', day: 'Sun', hour: 3, revoked: true, expected: 'DENY', why: 'revoked' },
  { agent: 'triage', call: 'ticketing:read', at: '10:00 Tue', day: 'Tue', hour: 10, revoked: true, expected: 'DENY', why: 'revoked' },
  { agent: 'triage', call: 'ticketing:write', at: '10:00 Tue', day: 'Tue', hour: 10, approvedBy: APPROVER, revoked: true, expected: 'DENY', why: 'revoked, even with approval' },
  { agent: 'triage', call: 'model:' + MODEL, at: '10:00 Tue', day: 'Tue', hour: 10, revoked: true, expected: 'DENY', why: 'revoked' },
  { agent: 'deployer', call: 'kubectl:read', at: '10:00 Tue', day: 'Tue', hour: 10, revoked: true, expected: 'ALLOW', why: "another agent's revocation does not touch it" },
];

/** Splits a matrix call into the Cedar request parts. */
export function parseCall(c: MatrixCase): { kind: 'tool'; owner: string; tool: string; action: string } | { kind: 'model'; model: string } {
  if (c.call.startsWith('model:')) return { kind: 'model', model: c.call.slice('model:'.length) };
  const [target, action] = c.call.split(':');
  const [owner, tool] = target.includes('/') ? target.split('/') : [c.agent, target];
  return { kind: 'tool', owner, tool, action };
}

export function caseName(c: MatrixCase): string {
  const approval = c.approvedBy ? ` · approved by ${c.approvedBy}` : '';
  const revoked = c.revoked ? ' · after revocation of triage' : '';
  return `agent ${c.agent} · ${c.call} · ${c.at}${approval}${revoked} → ${c.expected} (${c.why})`;
}
