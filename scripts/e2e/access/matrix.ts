/**
 * The access matrix: requests derived from what was applied (roles, secrets, routes, tags), each
 * with the decision the governance design requires, evaluated against the applied policies:
 *  - a workload reads its own secrets and no other workload's;
 *  - a workload cannot invoke a model or endpoint directly, and a route's integration role only
 *    the model or endpoint of its own route;
 *  - a revoked workload can do nothing it was ever granted;
 *  - every gateway method requires IAM auth; a workload invokes only its own routes, only through
 *    the environment's endpoint, and an unsigned caller nothing.
 * The expectation comes from the tags, the route wiring and the declared grants
 * (expected-grants.ts), never from the policies under test.
 */
import { TAG_KEYS } from '../../../constructs/governance/tags';
import type { Tally } from '../tally';
import { evaluate, type AccessRequest, type AccessResult, type Decision } from './evaluate';
import { GATEWAY_KEY_SECRET, isGranted, REQUEST_AUTHORIZER_ROUTES, SECRETS_NO_WORKLOAD_READS } from './expected-grants';
import { asList, PolicyWorld, statementsOf, type RoleView, type SecretView, type WorldResource } from './policy-world';

export interface MatrixSummary {
  tried: number;
  asExpected: number;
  allowed: number;
  denied: number;
}

/** A model id no grant of any example names: the "outside every grant" request. */
export const OUTSIDE_MODEL_ID = 'e2e.model-outside-every-grant-v1:0';

const workloadOf = (tags: Record<string, string>) => tags[TAG_KEYS.workload];
const envOf = (tags: Record<string, string>) => tags[TAG_KEYS.environment];
export const isRevoked = (role: RoleView) => TAG_KEYS.revokedBy in role.tags;
const regionOf = (arn: string) => arn.split(':')[3];

function trustedServices(role: RoleView): string[] {
  return statementsOf(role.trust).flatMap((s) => {
    const p = s.Principal as { Service?: string | string[] } | undefined;
    return p && typeof p === 'object' ? asList(p.Service) : [];
  });
}

/** Governed workload roles: tagged with a workload and under an environment's `/governed/<env>/` path. */
export function workloadRoles(world: PolicyWorld): RoleView[] {
  return world.roles.filter((r) => workloadOf(r.tags) !== undefined && /^\/governed\/[^/]+\/$/.test(r.path));
}

/** Roles a workload's code runs as (callers); roles API Gateway assumes for a route are route roles. */
export function workloadIdentities(world: PolicyWorld): RoleView[] {
  const routeRoles = new Set(world.methods.map((m) => m.integrationRoleArn).filter(Boolean));
  return workloadRoles(world).filter((r) => !routeRoles.has(r.arn) && !trustedServices(r).includes('apigateway.amazonaws.com'));
}

/** The model or endpoint ARN an API Gateway AWS integration URI calls, if any. */
export function integrationTarget(uri: string | undefined, accountId: string): string | undefined {
  if (!uri) return undefined;
  const region = uri.split(':')[3];
  const bedrock = /:bedrock(?:-runtime)?:path\/model\/([^/]+)\/invoke/.exec(uri);
  if (bedrock) return `arn:aws:bedrock:${region}::foundation-model/${decodeURIComponent(bedrock[1])}`;
  const sagemaker = /:runtime\.sagemaker:path\/+endpoints\/([^/]+)\/invocations/.exec(uri);
  if (sagemaker) return `arn:aws:sagemaker:${region}:${accountId}:endpoint/${sagemaker[1].toLowerCase()}`;
  return undefined;
}

/** Who may read a secret: its owner, or for a gateway API key the owner's granted callers. */
function secretExpected(role: RoleView, secret: SecretView): { matrix: string; expected: Decision } {
  const owner = workloadOf(secret.tags);
  const env = envOf(secret.tags);
  const sameEnv = env === envOf(role.tags);
  const mine = sameEnv && owner === workloadOf(role.tags);
  const granted = sameEnv && GATEWAY_KEY_SECRET.test(secret.name) ? isGranted(env, workloadOf(role.tags), owner) : mine;
  if (isRevoked(role)) return { matrix: 'revoked workload: secret', expected: 'Denied' };
  const noWorkload = SECRETS_NO_WORKLOAD_READS.find((x) => x.name.test(secret.name));
  if (noWorkload) return { matrix: `secret no workload reads (${noWorkload.reason})`, expected: 'Denied' };
  if (granted) return { matrix: mine ? 'own secret' : "granted service's gateway key", expected: 'Allowed' };
  return { matrix: mine ? 'own secret not meant for it' : "another workload's secret", expected: 'Denied' };
}

function secretRequests(world: PolicyWorld, callers: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const endpoint = world.endpointFor('secretsmanager');
  for (const role of callers) {
    for (const secret of world.secrets) {
      if (workloadOf(secret.tags) === undefined) continue;
      const { matrix, expected } = secretExpected(role, secret);
      requests.push({ matrix, principal: role, action: 'secretsmanager:GetSecretValue', resource: secret.arn, viaEndpoint: endpoint, expected });
      if (expected === 'Allowed' && secret.kmsKeyArn) {
        requests.push({
          matrix: `${matrix} (decrypt through Secrets Manager)`,
          principal: role,
          action: 'kms:Decrypt',
          resource: secret.kmsKeyArn,
          context: { 'kms:ViaService': `secretsmanager.${regionOf(secret.arn)}.amazonaws.com`, 'kms:CallerAccount': secret.arn.split(':')[4] },
          expected,
        });
      }
    }
  }
  return requests;
}

function modelRequests(world: PolicyWorld, callers: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const anyArn = callers[0]?.arn ?? world.roles[0]?.arn ?? '';
  const region = regionOf(world.secrets[0]?.arn ?? '') || 'eu-central-1';
  const account = anyArn.split(':')[4] || '123456789012';
  const models = new Set([...world.resourcesNamedFor('bedrock:Invoke'), `arn:aws:bedrock:${region}::foundation-model/${OUTSIDE_MODEL_ID}`]);
  const endpoints = new Set(
    [...world.resourcesNamedFor('sagemaker:Invoke'), ...world.sagemakerEndpoints.map((e) => e.arn), `arn:aws:sagemaker:${region}:${account}:endpoint/e2e-outside-every-grant`].filter(
      (e) => !e.includes('*'),
    ),
  );
  const bedrockEndpoint = world.endpointFor('bedrock-runtime');
  const sagemakerEndpoint = world.endpointFor('sagemaker.runtime');
  // A workload's code calls models through the gateway only: never directly, allowed model or not.
  for (const role of callers) {
    for (const model of models) {
      requests.push({ matrix: 'workload invokes a model directly', principal: role, action: 'bedrock:InvokeModel', resource: model, viaEndpoint: bedrockEndpoint, expected: 'Denied' });
    }
    for (const ep of endpoints) {
      requests.push({ matrix: 'workload invokes an endpoint directly', principal: role, action: 'sagemaker:InvokeEndpoint', resource: ep, viaEndpoint: sagemakerEndpoint, expected: 'Denied' });
    }
  }
  // The role API Gateway uses for a route invokes that route's model or endpoint and nothing else;
  // a Bedrock route only with the guardrail its integration attaches.
  const byRole = new Map<string, { targets: Set<string>; guardrail?: string }>();
  for (const m of world.methods) {
    if (!m.integrationRoleArn) continue;
    const target = integrationTarget(m.integrationUri, m.integrationRoleArn.split(':')[4]);
    if (!target) continue;
    const entry = byRole.get(m.integrationRoleArn) ?? { targets: new Set<string>() };
    entry.targets.add(target);
    const gId = m.integrationHeaders['X-Amzn-Bedrock-GuardrailIdentifier'];
    const gVersion = m.integrationHeaders['X-Amzn-Bedrock-GuardrailVersion'];
    if (gId && gVersion) entry.guardrail = `arn:aws:bedrock:${regionOf(target) || region}:${account}:guardrail/${gId}:${gVersion}`;
    byRole.set(m.integrationRoleArn, entry);
  }
  for (const [roleArn, { targets, guardrail }] of byRole) {
    const role = world.roles.find((r) => r.arn === roleArn);
    if (!role) continue;
    const revoked = isRevoked(role);
    const context = guardrail ? { 'bedrock:GuardrailIdentifier': guardrail } : undefined;
    for (const model of models) {
      const own = targets.has(model);
      const expected: Decision = own && !revoked ? 'Allowed' : 'Denied';
      requests.push({ matrix: revoked ? 'revoked route role: model' : own ? 'route role: its own model' : 'route role: a model outside its grant', principal: role, action: 'bedrock:InvokeModel', resource: model, context, expected });
      if (own && guardrail) {
        requests.push({ matrix: 'route role: its own model without the guardrail', principal: role, action: 'bedrock:InvokeModel', resource: model, expected: 'Denied' });
      }
    }
    for (const ep of endpoints) {
      const own = targets.has(ep);
      const expected: Decision = own && !revoked ? 'Allowed' : 'Denied';
      requests.push({ matrix: revoked ? 'revoked route role: endpoint' : own ? 'route role: its own endpoint' : 'route role: an endpoint outside its grant', principal: role, action: 'sagemaker:InvokeEndpoint', resource: ep, expected });
    }
  }
  return requests;
}

/** Everything a revoked identity was ever granted (each action on each named resource): all denied. */
function revokedRequests(roles: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const role of roles.filter(isRevoked)) {
    for (const p of role.identityPolicies) {
      for (const s of statementsOf(p.policy)) {
        if (s.Effect !== 'Allow') continue;
        for (const action of asList(s.Action)) {
          if (action.includes('*')) continue;
          for (const resource of asList(s.Resource)) {
            if (resource === '*' || !resource.startsWith('arn:')) continue;
            requests.push({ matrix: `revoked workload: granted ${p.name}`, principal: role, action, resource: resource.replace(/\*/g, 'e2e'), expected: 'Denied' });
          }
        }
      }
    }
  }
  return requests;
}

function gatewayRequests(world: PolicyWorld, callers: RoleView[], tally: Tally): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const endpoint = world.endpointFor('execute-api');
  const stages = world.resources.filter((r) => r.type === 'aws_api_gateway_stage');
  const workloads = new Set(world.roles.map((r) => workloadOf(r.tags)).filter(Boolean));
  for (const m of world.methods) {
    const declared = REQUEST_AUTHORIZER_ROUTES.find((x) => x.path.test(m.path));
    const authorizerRoute = m.authorization === 'CUSTOM' && declared !== undefined;
    tally.check(
      `gateway method ${m.httpMethod} ${m.path} (${m.address}) requires IAM auth`,
      m.authorization === 'AWS_IAM' || authorizerRoute,
      `authorization is ${m.authorization}; every gateway method must be AWS_IAM (or a request-authorizer route declared in expected-grants.ts)`,
      authorizerRoute ? `not IAM: declared request-authorizer route, ${declared.reason}` : m.apiKeyRequired ? 'AWS_IAM and API key' : 'AWS_IAM',
    );
    const api = world.restApis.get(m.restApiId);
    if (!api) {
      console.log(`  not evaluated: ${m.address} (its REST API is not in the applied state)`);
      continue;
    }
    const segments = m.path.split('/');
    const owner = segments.find((x) => workloads.has(x));
    const apiStages = stages.filter((s) => s.values.rest_api_id === m.restApiId);
    const stage = String(
      (apiStages.find((s) => owner && (s.values.tags as Record<string, string> | undefined)?.[TAG_KEYS.workload] === owner) ?? apiStages[0])?.values.stage_name ?? 'e2e',
    );
    const verb = m.httpMethod === 'ANY' ? 'POST' : m.httpMethod;
    const arn = `${api.executionArn}/${stage}/${verb}${m.path.replace('{proxy+}', 'e2e/call')}`;
    if (authorizerRoute) {
      // IAM does not decide these calls: the request authorizer does, which moto cannot run.
      // What IAM does decide: nobody reaches the route from outside the environment endpoint.
      console.log(`  decided by the request authorizer, not IAM (not evaluable here): ${m.httpMethod} ${m.path}`);
      requests.push({
        matrix: 'request-authorizer route from outside the environment endpoint',
        principal: 'anonymous',
        action: 'execute-api:Invoke',
        resource: arn,
        viaEndpoint: { id: 'vpce-0e2e000000000000', policy: undefined },
        expected: 'Denied',
      });
      continue;
    }
    requests.push({ matrix: 'unsigned caller on a gateway route', principal: 'anonymous', action: 'execute-api:Invoke', resource: arn, viaEndpoint: endpoint, expected: 'Denied' });
    for (const role of callers) {
      const granted = owner !== undefined && envOf(role.tags) !== undefined && isGranted(envOf(role.tags), workloadOf(role.tags), owner);
      const expected: Decision = granted && !isRevoked(role) ? 'Allowed' : 'Denied';
      const matrix = isRevoked(role) ? 'revoked workload: gateway route' : granted ? 'granted gateway route' : 'gateway route not granted to it';
      requests.push({ matrix, principal: role, action: 'execute-api:Invoke', resource: arn, viaEndpoint: endpoint, expected });
      if (expected === 'Allowed' && endpoint) {
        requests.push({
          matrix: 'granted gateway route from outside the environment endpoint',
          principal: role,
          action: 'execute-api:Invoke',
          resource: arn,
          viaEndpoint: { id: 'vpce-0e2e000000000000', policy: undefined },
          expected: 'Denied',
        });
      }
    }
  }
  return requests;
}

function describe(r: AccessResult): string {
  const q = r.request;
  const who = q.principal === 'anonymous' ? 'anonymous' : q.principal.name;
  return `${q.matrix}: ${who} ${q.action} ${q.resource}${q.viaEndpoint ? ` via ${q.viaEndpoint.id}` : ''}`;
}

export async function runAccessMatrix(resources: readonly WorldResource[], tally: Tally): Promise<MatrixSummary> {
  const world = new PolicyWorld(resources);
  for (const p of world.problems) console.log(`  note: ${p}`);
  const roles = workloadRoles(world);
  const callers = workloadIdentities(world);
  const summary: MatrixSummary = { tried: 0, asExpected: 0, allowed: 0, denied: 0 };
  if (callers.length === 0) {
    tally.fail('access matrix', 'no workload identity (IAM role tagged with a workload under /governed/<env>/) was applied: nothing to evaluate');
    return summary;
  }
  console.log(
    `  ${callers.length} workload identities, ${roles.length - callers.length} route roles (${roles.filter(isRevoked).length} revoked), ${world.secrets.length} secrets, ${world.methods.length} gateway methods`,
  );
  const requests = [
    ...secretRequests(world, callers),
    ...modelRequests(world, callers),
    ...revokedRequests(roles),
    ...gatewayRequests(world, callers, tally),
  ];
  for (const request of requests) {
    let result: AccessResult;
    try {
      result = await evaluate(world, request);
    } catch (e) {
      result = { request, detail: '', error: (e as Error).message };
    }
    summary.tried++;
    if (result.error) {
      tally.fail(`access ${describe(result)}`, result.error);
      continue;
    }
    if (result.decision === 'Allowed') summary.allowed++;
    else summary.denied++;
    const ok = result.decision === request.expected;
    if (ok) summary.asExpected++;
    tally.check(
      `access ${describe(result)}`,
      ok,
      `expected ${request.expected}, got ${result.detail}`,
      `${result.decision === 'Allowed' ? 'allowed' : 'denied'} as expected (${result.detail})`,
    );
  }
  return summary;
}
