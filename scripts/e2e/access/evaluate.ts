/**
 * One access request evaluated by a real IAM policy evaluator (@cloud-copilot/iam-simulate):
 * the principal's identity policies and permission boundary, the resource's policy and, when the
 * call goes through an interface endpoint, the endpoint policy, with the request context AWS
 * would set (principal ARN, account and tags, source endpoint, token issue time).
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDoc, PolicyWorld, RoleView } from './policy-world';

export type Decision = 'Allowed' | 'Denied';

export interface AccessRequest {
  /** The row of the matrix this request belongs to, e.g. "own secret". */
  matrix: string;
  principal: RoleView | 'anonymous';
  action: string;
  resource: string;
  /** The call goes through this interface endpoint (its policy applies, aws:SourceVpce is set). */
  viaEndpoint?: { id: string; policy?: PolicyDoc };
  context?: Record<string, string | string[]>;
  expected: Decision;
}

export interface AccessResult {
  request: AccessRequest;
  decision?: Decision;
  detail: string;
  error?: string;
}

export function accountOf(arn: string): string {
  return arn.split(':')[4] || '123456789012';
}

export function contextFor(role: RoleView, now: Date): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {
    'aws:PrincipalArn': role.arn,
    'aws:PrincipalAccount': accountOf(role.arn),
    'aws:PrincipalType': 'AssumedRole',
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString(),
    // The session the request is signed with was issued just now, after any revocation date.
    'aws:TokenIssueTime': now.toISOString(),
  };
  for (const [k, v] of Object.entries(role.tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

export async function evaluate(world: PolicyWorld, request: AccessRequest, now = new Date()): Promise<AccessResult> {
  const resourceArn = request.resource;
  const resourcePolicy = world.resourcePolicyFor(resourceArn);
  const context: Record<string, string | string[]> = {
    ...(request.principal === 'anonymous' ? { 'aws:SecureTransport': 'true' } : contextFor(request.principal, now)),
    ...(request.viaEndpoint ? { 'aws:SourceVpce': request.viaEndpoint.id } : {}),
    ...(request.context ?? {}),
  };
  const principal = request.principal;
  const simulation: Simulation = {
    request: {
      principal: principal === 'anonymous' ? { type: 'Anonymous' } : `arn:aws:sts::${accountOf(principal.arn)}:assumed-role/${principal.name}/e2e`,
      action: request.action,
      resource: { resource: resourceArn, accountId: accountOf(resourceArn.includes('::foundation-model') ? (principal === 'anonymous' ? '' : principal.arn) : resourceArn) },
      contextVariables: context,
    },
    identityPolicies: principal === 'anonymous' ? [] : principal.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaryPolicies: principal !== 'anonymous' && principal.boundary ? [principal.boundary] : undefined,
    vpcEndpointPolicies: request.viaEndpoint?.policy ? [{ name: request.viaEndpoint.id, policy: request.viaEndpoint.policy }] : undefined,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    return { request, detail: '', error: `iam-simulate rejected the request: ${JSON.stringify(result.errors)}` };
  }
  const overall = result.overallResult;
  return { request, decision: overall === 'Allowed' ? 'Allowed' : 'Denied', detail: overall };
}
