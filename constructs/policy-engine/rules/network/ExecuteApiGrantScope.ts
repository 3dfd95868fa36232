import { GATEWAY_STAGE } from '../../../governance/gateway-routes';
import { CONTROLS } from '../../frameworks';
import { actionMatches, executeApiGrantProblem, executeApiPath, identityPolicies, IDENTITY_POLICY_HOLDERS, isPermissionBoundary, statementCoversAction } from '../../iam';
import { notApplicable } from '../../rule-engine';
import { defineRule, describeStatement, judgePolicies, UNRESOLVED_PREFIX } from '../../rule-helpers';
import { isUnresolvedValue } from '../../terraform-json';

export const EXECUTE_API_INVOKE_ACTION = 'execute-api:Invoke';

/** A resource given by an expression that is not an execution ARN followed by a route. */
const UNRESOLVED = Symbol('unresolved');

const hasWildcard = (s: string) => s.includes('*') || s.includes('?');

/**
 * Whether a Resource pattern that is not an execute-api route ARN still matches execute-api
 * route ARNs: `*`, `arn:*`, `arn:aws:*:...`, `arn:aws:execute-api:<region>:<account>:*`.
 */
function matchesRoutesBroadly(resource: string): boolean {
  if (!hasWildcard(resource)) return false;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' && parts[0] !== '*' && !hasWildcard(parts[0])) return false;
  if (parts.length < 3) return true;
  return actionMatches(parts[2], 'execute-api') || hasWildcard(parts[1]);
}

/**
 * The problem with one Resource of an Allow that grants execute-api:Invoke, or undefined when it
 * names exact routes (or is not an execute-api resource). A literal ARN's region, account and API
 * id must be exact too: a `*` there matches across `/` like any other.
 */
function resourceProblem(resource: string): string | typeof UNRESOLVED | undefined {
  const path = executeApiPath(resource);
  if (path) {
    const prefix = resource.startsWith('arn:') ? resource.slice(0, resource.indexOf('/')) : '';
    if (hasWildcard(prefix)) return 'a wildcard before the stage (region, account or API id)';
    return executeApiGrantProblem(path);
  }
  const service = resource.startsWith('arn:') ? resource.split(':')[2] : undefined;
  // Another service's ARN (a bucket named by a reference) is not this rule's business.
  if (service !== undefined && !hasWildcard(service) && !service.includes('${') && service !== 'execute-api') return undefined;
  if (isUnresolvedValue(resource)) return UNRESOLVED;
  if (matchesRoutesBroadly(resource)) return `a pattern that matches every route of every API (name the gateway's stage ${GATEWAY_STAGE}, a method and the route)`;
  return undefined;
}

/**
 * Every execute-api:Invoke an identity policy allows names exact routes of the gateway. execute-api
 * ARNs match `*` across `/`, so `.../v1/*` or `.../v1/GET/workloads/*` + `/http/*` reaches every
 * workload's routes: the callee's consent (its route entry's callers) is then the only check left.
 */
export const ExecuteApiGrantScope = defineRule({
  id: 'ExecuteApiGrantScope',
  summary: `Every execute-api:Invoke Allow in an identity policy names exact routes: the gateway's stage (${GATEWAY_STAGE}), an explicit HTTP method, and no wildcard before the last path segment.`,
  explanation:
    'IAM matches "*" in an execute-api ARN across "/": a wildcard stage, method or middle segment grants routes of other ' +
    'workloads and agents, so a compromised workload can call every model and tool the gateway serves, limited only by each ' +
    "callee's consent list.",
  fix: `Grant routes with GovernedInferenceService.grantInvoke (or the agent's tools and models): one ARN per method, <executionArn>/${GATEWAY_STAGE}/<METHOD>/<path>, with "*" only as the whole last segment after the workload or agent name.`,
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiToolMisuse, CONTROLS.asiIdentityPrivilege, CONTROLS.csfLeastPrivilege, CONTROLS.maestroEcosystem],
  types: IDENTITY_POLICY_HOLDERS,
  evaluate(resource, { stack, app }) {
    // A boundary grants nothing by itself; the grants it caps are checked where they are made.
    if (isPermissionBoundary(resource, stack, app)) return notApplicable;
    const lookups = identityPolicies(stack, resource);
    if (lookups.length === 0) return notApplicable;
    return judgePolicies(lookups, (doc) =>
      doc.statements.flatMap((s, i) => {
        if (s.effect !== 'Allow' || !statementCoversAction(s, EXECUTE_API_INVOKE_ACTION)) return [];
        const where = describeStatement(s.sid, i);
        if (s.notResources) return [`${where} allows ${EXECUTE_API_INVOKE_ACTION} on every resource but ${s.notResources.join(', ')} (NotResource)`];
        return (s.resources ?? []).flatMap((r) => {
          const problem = resourceProblem(r);
          if (!problem) return [];
          if (problem === UNRESOLVED) return [`${UNRESOLVED_PREFIX}${where} allows ${EXECUTE_API_INVOKE_ACTION} on ${r}, an expression that is not the gateway's execution ARN followed by a route`];
          return [`${where} allows ${EXECUTE_API_INVOKE_ACTION} on ${r} with ${problem}`];
        });
      }),
    );
  },
});
