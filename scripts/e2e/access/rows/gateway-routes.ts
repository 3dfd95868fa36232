/**
 * Who reaches the environment gateway, and on which paths (issue 11, SECURITY.md decisions 1-3):
 *  - every method is AWS_IAM (and needs an API key, except /health);
 *  - a granted caller reaches its own route, on the one stage, through the environment endpoint,
 *    with the methods it was granted, and nothing past an exact grant;
 *  - break 1: a governed role without the grant is denied on disguised paths of every route
 *    template (a `*` in a grant matches `/`, so paths that nest one route inside another are tried);
 *  - nobody but the environment's governed roles reaches the API: not anonymous callers, not a
 *    neighbour or an administrator with `execute-api:*`, not the platform's own roles, not an
 *    integration identity, not a governed role of another environment.
 * Each request is evaluated with the gateway's resource policy, the caller's identity policies and
 * boundary, and the execute-api endpoint's policy together.
 */
import type { AccessRequest } from '../evaluate';
import { DECLARED_DEPLOYERS, EXPECTED_ROUTE_GRANTS, isGranted } from '../expected-grants';
import { environmentsOf, gatewayFunctionRole, isRevoked, rolesOfKind, rotationRole, workloadOf } from '../identities';
import type { PolicyWorld, RoleView } from '../policy-world';
import { deployer, neighbourRole, teamAdded, teamAdmin } from '../principals';

const STAGE = 'v1';
/** An endpoint id no environment has: a caller outside the environment's VPC endpoint. */
export const OUTSIDE_ENDPOINT = { id: 'vpce-0e2e000000000000', policy: undefined };

/** A concrete path for a grant path: `.../tools/*` becomes `.../tools/ticketing-read/v2/tickets`. */
const concrete = (path: string) => (path.endsWith('/*') ? `${path.slice(0, -1)}ticketing-read/v2/tickets` : path);

export interface MethodCheck {
  what: string;
  ok: boolean;
  why: string;
  detail: string;
}

/** Every gateway method is AWS_IAM; every route but /health needs an API key. */
export function methodChecks(world: PolicyWorld): MethodCheck[] {
  return world.methods.map((m) => {
    const keyNeeded = m.path !== '/health';
    return {
      what: `${m.stack}: gateway method ${m.httpMethod} ${m.path} requires IAM auth${keyNeeded ? ' and an API key' : ''}`,
      ok: m.authorization === 'AWS_IAM' && (!keyNeeded || m.apiKeyRequired),
      why: `authorization is ${m.authorization}, API key ${m.apiKeyRequired ? 'required' : 'not required'}; every gateway method must be AWS_IAM, and every route but /health must require a key`,
      detail: m.apiKeyRequired ? 'AWS_IAM and API key' : 'AWS_IAM',
    };
  });
}

interface Probe {
  /** The shape tried, for the row name. */
  template: string;
  stage: string;
  method: string;
  path: string;
}

/** The environment's routes by template, one concrete path each, named from its route entries. */
function routeProbes(world: PolicyWorld, env: string): Probe[] {
  const entries = world.routeEntries.filter((e) => e.environment === env);
  const services = entries.filter((e) => e.kind === 'routes');
  const agents = entries.filter((e) => e.kind === 'agents');
  const probes: Probe[] = [{ template: 'GET /health', stage: STAGE, method: 'GET', path: 'health' }];
  const k8s = services.find((e) => e.entry.kind === 'kubernetes');
  if (k8s) probes.push({ template: 'GET /workloads/{workload}/http/{proxy+}', stage: STAGE, method: 'GET', path: `workloads/${k8s.name}/http/v1/items` });
  const invoked = services.find((e) => e.entry.kind !== 'kubernetes');
  if (invoked) probes.push({ template: 'POST /workloads/{workload}/invoke', stage: STAGE, method: 'POST', path: `workloads/${invoked.name}/invoke` });
  const agent = agents[0];
  if (agent) {
    const model = Object.keys((agent.entry.models as Record<string, unknown>) ?? {})[0] ?? 'model';
    const tool = Object.keys((agent.entry.tools as Record<string, unknown>) ?? {})[0] ?? 'tool';
    probes.push({ template: 'POST /agents/{agent}/models/{model}/invoke', stage: STAGE, method: 'POST', path: `agents/${agent.name}/models/${model}/invoke` });
    probes.push({ template: 'POST /agents/{agent}/tools/{tool}/{proxy+}', stage: STAGE, method: 'POST', path: `agents/${agent.name}/tools/${tool}/v2/tickets` });
  }
  return probes;
}

/**
 * Issue 11 break 1: paths that nest one route template inside another, climb out of a route with
 * `..`, or reach an agent's model route on another stage or with another method.
 */
function disguisedProbes(world: PolicyWorld, env: string): Probe[] {
  const entries = world.routeEntries.filter((e) => e.environment === env);
  const k8s = entries.filter((e) => e.kind === 'routes' && e.entry.kind === 'kubernetes').map((e) => e.name);
  const agents = entries.filter((e) => e.kind === 'agents');
  const probes: Probe[] = [];
  for (const agent of agents) {
    const tools = Object.keys((agent.entry.tools as Record<string, unknown>) ?? {});
    const models = Object.keys((agent.entry.models as Record<string, unknown>) ?? {});
    for (const svc of k8s) {
      probes.push({ template: 'POST /workloads/<service>/http/x/agents/<agent>/tools/b', stage: STAGE, method: 'POST', path: `workloads/${svc}/http/x/agents/${agent.name}/tools/b` });
      probes.push({ template: 'GET /workloads/<service>/http/../../agents/<agent>/tools/<tool>', stage: STAGE, method: 'GET', path: `workloads/${svc}/http/../../agents/${agent.name}/tools/${tools[0] ?? 't'}` });
    }
    probes.push({ template: 'POST /agents/<agent>/tools/t/x', stage: STAGE, method: 'POST', path: `agents/${agent.name}/tools/t/x` });
    for (const model of models) {
      const path = `agents/${agent.name}/models/${model}/invoke`;
      probes.push({ template: 'POST /agents/<agent>/models/<model>/invoke', stage: STAGE, method: 'POST', path });
      probes.push({ template: 'POST /agents/<agent>/models/<model>/invoke on another stage', stage: 'test', method: 'POST', path });
      probes.push({ template: 'GET /agents/<agent>/models/<model>/invoke (a method not granted)', stage: STAGE, method: 'GET', path });
    }
  }
  return probes;
}

export function gatewayRouteRequests(world: PolicyWorld, account: string, region: string): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const envs = environmentsOf(world);
  for (const env of envs) {
    const api = world.restApiOf(env);
    if (!api) continue;
    const endpoint = world.endpointFor('execute-api', env);
    const arn = (p: { stage: string; method: string; path: string }) => `${api.executionArn}/${p.stage}/${p.method}/${p.path}`;
    const callers = rolesOfKind(world, 'workload', env).filter((r) => !isRevoked(r));

    // Granted callers on their own routes, and the tricks that must not widen a grant.
    for (const role of callers) {
      for (const grant of EXPECTED_ROUTE_GRANTS[env]?.[workloadOf(role) ?? ''] ?? []) {
        const path = concrete(grant.path);
        for (const method of grant.methods) {
          requests.push({ matrix: `granted caller on its own route (${method} ${grant.path})`, principal: role, action: 'execute-api:Invoke', resource: arn({ stage: STAGE, method, path }), viaEndpoint: endpoint, expected: 'Allowed' });
        }
        const method = grant.methods[0];
        requests.push({ matrix: 'granted caller, its route on another stage', principal: role, action: 'execute-api:Invoke', resource: arn({ stage: 'test', method, path }), viaEndpoint: endpoint, expected: 'Denied' });
        requests.push({ matrix: 'granted caller, its route with a method never granted (OPTIONS)', principal: role, action: 'execute-api:Invoke', resource: arn({ stage: STAGE, method: 'OPTIONS', path }), viaEndpoint: endpoint, expected: 'Denied' });
        // Only an environment with its own endpoint confines callers to it.
        if (endpoint) requests.push({ matrix: 'granted caller, its route from outside the environment endpoint', principal: role, action: 'execute-api:Invoke', resource: arn({ stage: STAGE, method, path }), viaEndpoint: OUTSIDE_ENDPOINT, expected: 'Denied' });
        if (!grant.path.endsWith('/*')) {
          requests.push({
            matrix: 'granted caller, a path extended past its exact grant',
            principal: role,
            action: 'execute-api:Invoke',
            resource: arn({ stage: STAGE, method, path: `${path}/../../../agents/x/tools/y` }),
            viaEndpoint: endpoint,
            expected: 'Denied',
          });
        }
      }
    }

    // Break 1: every governed workload role on every disguised path; only a grant that covers the
    // exact path (an agent on its own tools) is allowed.
    for (const probe of disguisedProbes(world, env)) {
      for (const role of callers) {
        const granted = probe.stage === STAGE && isGranted(env, workloadOf(role), probe.method, probe.path);
        requests.push({
          matrix: granted ? `break 1 (issue 11): ${probe.template} by its granted caller` : `break 1 (issue 11): ${probe.template} by a governed role without its grant`,
          principal: role,
          action: 'execute-api:Invoke',
          resource: arn(probe),
          viaEndpoint: endpoint,
          expected: granted ? 'Allowed' : 'Denied',
        });
      }
    }

    // Nobody but the environment's governed roles: each route, each other kind of principal.
    const others = nonGovernedCallers(world, account, region, env);
    for (const probe of routeProbes(world, env)) {
      requests.push({ matrix: `no principal but governed roles: unsigned caller on ${probe.template}`, principal: 'anonymous', action: 'execute-api:Invoke', resource: arn(probe), viaEndpoint: endpoint, expected: 'Denied' });
      for (const { who, role } of others) {
        requests.push({
          matrix: `no principal but governed roles: ${who} on ${probe.template}`,
          principal: role,
          action: 'execute-api:Invoke',
          resource: arn(probe),
          viaEndpoint: endpoint,
          teamAdded: role.address.startsWith('hypothetical') ? undefined : [teamAdded('execute-api:Invoke *', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' })],
          expected: 'Denied',
        });
      }
      for (const identity of rolesOfKind(world, 'integration', env)) {
        requests.push({
          matrix: `integration identity as a caller (team-added execute-api:Invoke *) on ${probe.template}`,
          principal: identity,
          action: 'execute-api:Invoke',
          resource: arn(probe),
          viaEndpoint: endpoint,
          teamAdded: [teamAdded('execute-api:Invoke *', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' })],
          expected: 'Denied',
        });
      }
    }

    // A governed role of this environment on another environment's gateway, with its own grant's path.
    for (const other of envs.filter((e) => e !== env)) {
      const otherApi = world.restApiOf(other);
      if (!otherApi) continue;
      for (const role of callers) {
        const grant = EXPECTED_ROUTE_GRANTS[env]?.[workloadOf(role) ?? '']?.[0];
        if (!grant) continue;
        requests.push({
          matrix: `governed role of ${env} on ${other}'s gateway (its own route's path)`,
          principal: role,
          action: 'execute-api:Invoke',
          resource: `${otherApi.executionArn}/${STAGE}/${grant.methods[0]}/${concrete(grant.path)}`,
          viaEndpoint: endpoint,
          teamAdded: [teamAdded('execute-api:Invoke *', { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' })],
          expected: 'Denied',
        });
      }
    }
  }
  return requests;
}

/** Principals that are not the environment's governed workload roles, each trying the gateway with a broad grant. */
function nonGovernedCallers(world: PolicyWorld, account: string, region: string, env: string): Array<{ who: string; role: RoleView }> {
  const out: Array<{ who: string; role: RoleView }> = [
    { who: 'a neighbour role with execute-api:Invoke *', role: neighbourRole(account, region) },
    { who: 'a team administrator with execute-api:*', role: teamAdmin(account) },
    ...DECLARED_DEPLOYERS.map((arn) => ({ who: 'the deployer with an administrator policy', role: deployer(arn) })),
  ];
  const gateway = gatewayFunctionRole(world, env);
  const rotation = rotationRole(world, env);
  if (gateway) out.push({ who: 'the gateway function role (team-added execute-api:Invoke *)', role: gateway });
  if (rotation) out.push({ who: 'the rotation role (team-added execute-api:Invoke *)', role: rotation });
  return out;
}
