/**
 * One access request evaluated by a real IAM policy evaluator (@cloud-copilot/iam-simulate):
 * the principal's identity policies (and any statement a team added to them) and permission
 * boundary, the resource's policy and, when the call goes through an interface endpoint, the
 * endpoint policy, with the request context AWS would set (principal ARN, account and tags,
 * source endpoint, token issue time). The result names which policies decided it.
 */
import { getDenialReasons, getGrantReasons, runSimulation, type RequestAnalysis, type Simulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDoc, PolicyWorld, RoleView } from './policy-world';

export type Decision = 'Allowed' | 'Denied';

export interface AccessRequest {
  /** The row of the matrix this request belongs to, e.g. "own secret". */
  matrix: string;
  principal: RoleView | 'anonymous';
  action: string;
  resource: string;
  /** The call goes through this interface endpoint (its policy applies, aws:SourceVpce is set). */
  viaEndpoint?: { id: string; policy?: PolicyDoc };
  /** Context keys this row sets on purpose: the row proves nothing if the evaluator ignores one. */
  context?: Record<string, string | string[]>;
  /** Statements a team added to the principal's own policies (the attack the row tries). */
  teamAdded?: NamedPolicy[];
  /** The resource's policy when it is not one of the applied resources (a hypothetical role's trust). */
  resourcePolicy?: PolicyDoc;
  /** When the signing session was issued (aws:TokenIssueTime); default: now. */
  sessionIssuedAt?: string;
  expected: Decision;
}

export interface AccessResult {
  request: AccessRequest;
  decision?: Decision;
  /** iam-simulate's result and the policies that decided it. */
  detail: string;
  /** Context keys of `request.context` the evaluator dropped as not applying to the action. */
  ignoredContextKeys: string[];
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
    // The session the request is signed with was issued just now, after any revocation date
    // (rows about earlier sessions set it themselves).
    'aws:TokenIssueTime': now.toISOString(),
  };
  for (const [k, v] of Object.entries(role.tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

/**
 * iam-simulate only accepts `Principal: "*"` in endpoint policies. An endpoint policy that names
 * principals means "only these callers", so each statement is rewritten to the equivalent `"*"`
 * with a condition: account roots become `aws:PrincipalAccount`, other ARNs `aws:PrincipalArn`.
 */
export function endpointPolicyForSimulator(policy: PolicyDoc): PolicyDoc {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return {
    ...policy,
    Statement: statements.map((st) => {
      const p = st.Principal as { AWS?: string | string[] } | string | undefined;
      if (p === undefined || p === '*' || (typeof p === 'object' && p.AWS === '*')) return st;
      const principals = typeof p === 'object' && p.AWS !== undefined ? (Array.isArray(p.AWS) ? p.AWS : [p.AWS]) : [];
      if (principals.length === 0) throw new Error(`endpoint policy statement ${st.Sid ?? ''} names a principal other than AWS: cannot evaluate it`);
      const roots = principals.map((a) => /^arn:aws:iam::(\d{12}):root$/.exec(a)?.[1] ?? (/^\d{12}$/.test(a) ? a : undefined));
      const condition: Record<string, Record<string, unknown>> = JSON.parse(JSON.stringify(st.Condition ?? {}));
      const [operator, key, values] = roots.every(Boolean)
        ? ['StringEquals', 'aws:PrincipalAccount', roots as string[]]
        : roots.some(Boolean)
          ? (() => {
              throw new Error(`endpoint policy statement ${st.Sid ?? ''} mixes accounts and principal ARNs: cannot rewrite it for the simulator`);
            })()
          : ['ArnEquals', 'aws:PrincipalArn', principals];
      if (condition[operator]?.[key] !== undefined) throw new Error(`endpoint policy statement ${st.Sid ?? ''} already has ${operator} ${key}`);
      condition[operator] = { ...(condition[operator] ?? {}), [key]: values };
      return { ...st, Principal: '*', Condition: condition };
    }),
  };
}

/** "ExplicitlyDenied (resource DenyIntegrationIdentities; pb DenyGatewayCalls)": which policies decided. */
export function explain(overall: string, analysis: RequestAnalysis | undefined): string {
  if (!analysis) return overall;
  const label = (r: { policyType: string; statementId?: string; statementIndex?: number; identifier?: string; policyIdentifier?: string }) =>
    `${r.policyType}${r.statementId ? ` ${r.statementId}` : r.statementIndex !== undefined ? ` #${r.statementIndex}` : ''}`;
  const reasons = overall === 'Allowed' ? getGrantReasons(analysis).map(label) : getDenialReasons(analysis).map(label);
  return reasons.length ? `${overall}: ${[...new Set(reasons)].join('; ')}` : overall;
}

export async function evaluate(world: PolicyWorld, request: AccessRequest, now = new Date()): Promise<AccessResult> {
  const resourceArn = request.resource;
  const resourcePolicy = request.resourcePolicy ?? world.resourcePolicyFor(resourceArn);
  // The Region the request is sent to: the resource's, or for a global ARN (S3 object, IAM role)
  // the Region the environment calls from (boundaries deny other Regions).
  const region = resourceArn.split(':')[3] || world.region;
  const resourceTags = Object.fromEntries(Object.entries(world.tagsFor(resourceArn)).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  const context: Record<string, string | string[]> = {
    ...(region ? { 'aws:RequestedRegion': region } : {}),
    ...resourceTags,
    ...(request.principal === 'anonymous' ? { 'aws:SecureTransport': 'true' } : contextFor(request.principal, now)),
    ...(request.viaEndpoint ? { 'aws:SourceVpce': request.viaEndpoint.id } : {}),
    ...(request.sessionIssuedAt ? { 'aws:TokenIssueTime': request.sessionIssuedAt } : {}),
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
    identityPolicies: principal === 'anonymous' ? [] : [...principal.identityPolicies, ...(request.teamAdded ?? [])],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaryPolicies: principal !== 'anonymous' && principal.boundary ? [principal.boundary] : undefined,
    vpcEndpointPolicies: request.viaEndpoint?.policy ? [{ name: request.viaEndpoint.id, policy: endpointPolicyForSimulator(request.viaEndpoint.policy) }] : undefined,
  };
  let result;
  try {
    result = await runSimulation(simulation, {});
  } catch (e) {
    return { request, detail: '', ignoredContextKeys: [], error: `iam-simulate failed: ${(e as Error).message}` };
  }
  if (result.resultType === 'error') {
    return { request, detail: '', ignoredContextKeys: [], error: `iam-simulate rejected the request: ${JSON.stringify(result.errors)}` };
  }
  const overall = result.overallResult;
  const single = result.resultType === 'single' ? result.result : result.results[0];
  // Keys the row depends on: the ones it sets, and the resource's tags (policies scope by them).
  const explicit = new Set([...Object.keys(request.context ?? {}), ...Object.keys(resourceTags)].map((k) => k.toLowerCase()));
  const ignoredContextKeys = (single?.ignoredContextKeys ?? []).filter((k) => explicit.has(k.toLowerCase()));
  return { request, decision: overall === 'Allowed' ? 'Allowed' : 'Denied', detail: explain(overall, single?.analysis), ignoredContextKeys };
}
