/**
 * The access matrix: requests derived from what was applied (roles, secrets, routes, tags), each
 * with the decision the governance design requires, evaluated against the applied policies:
 *  - a workload reads its own secrets and no other workload's;
 *  - a workload cannot invoke a model or endpoint directly, and a route's integration role only
 *    the model or endpoint of its own route;
 *  - a revoked workload can do nothing it was ever granted;
 *  - every gateway method requires IAM auth; a workload invokes only its own routes, only through
 *    the environment's endpoint, and an unsigned caller nothing.
 * The expectation comes from the tags and the route wiring, never from the policies under test.
 */
import { TAG_KEYS } from '../../../constructs/governance/tags';
import type { Tally } from '../tally';
import { evaluate, type AccessRequest, type AccessResult, type Decision } from './evaluate';
import { asList, PolicyWorld, statementsOf, type RoleView, type WorldResource } from './policy-world';

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

function trustedServices(role: RoleView): string[] {
  return statementsOf(role.trust).flatMap((s) => {
    const p = s.Principal as { Service?: string | string[] } | undefined;
    return p && typeof p === 'object' ? asList(p.Service) : [];
  });
}

/** Roles a workload runs as: tagged with a workload, and not a gateway integration role. */
export function workloadIdentities(world: PolicyWorld): RoleView[] {
  const integrationRoles = new Set(world.methods.map((m) => m.integrationRoleArn).filter(Boolean));
  return world.roles.filter(
    (r) => workloadOf(r.tags) !== undefined && !integrationRoles.has(r.arn) && !trustedServices(r).includes('apigateway.amazonaws.com'),
  );
}

const regionOf = (arn: string) => arn.split(':')[3];

/** The model or endpoint ARN an API Gateway AWS integration URI calls, if any. */
export function integrationTarget(uri: string | undefined, accountId: string): string | undefined {
  if (!uri) return undefined;
  const region = uri.split(':')[3];
  const bedrock = /:bedrock:path\/model\/([^/]+)\/invoke/.exec(uri);
  if (bedrock) return `arn:aws:bedrock:${region}::foundation-model/${decodeURIComponent(bedrock[1])}`;
  const sagemaker = /:runtime\.sagemaker:path\/+endpoints\/([^/]+)\/invocations/.exec(uri);
  if (sagemaker) return `arn:aws:sagemaker:${region}:${accountId}:endpoint/${sagemaker[1].toLowerCase()}`;
  return undefined;
}

function secretRequests(world: PolicyWorld, identities: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const endpoint = world.endpointFor('secretsmanager');
  for (const role of identities) {
    for (const secret of world.secrets) {
      const owner = workloadOf(secret.tags);
      if (owner === undefined) continue;
      const own = owner === workloadOf(role.tags) && envOf(secret.tags) === envOf(role.tags);
      const expected: Decision = own && !isRevoked(role) ? 'Allowed' : 'Denied';
      const matrix = isRevoked(role) ? 'revoked workload: secret' : own ? 'own secret' : "another workload's secret";
      requests.push({ matrix, principal: role, action: 'secretsmanager:GetSecretValue', resource: secret.arn, viaEndpoint: endpoint, expected });
      if (own && secret.kmsKeyArn) {
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

function modelRequests(world: PolicyWorld, identities: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const region = regionOf(identities[0]?.arn ?? '') || regionOf(world.secrets[0]?.arn ?? '') || 'eu-central-1';
  const models = new Set([...world.resourcesNamedFor('bedrock:Invoke'), `arn:aws:bedrock:${region}::foundation-model/${OUTSIDE_MODEL_ID}`]);
  const endpoints = new Set([...world.resourcesNamedFor('sagemaker:Invoke'), ...world.sagemakerEndpoints.map((e) => e.arn)]);
  const bedrockEndpoint = world.endpointFor('bedrock-runtime');
  const sagemakerEndpoint = world.endpointFor('sagemaker.runtime');
  // Workloads call models through the gateway only: never directly, allowed model or not.
  for (const role of identities) {
    for (const model of models) {
      requests.push({ matrix: 'workload invokes a model directly', principal: role, action: 'bedrock:InvokeModel', resource: model, viaEndpoint: bedrockEndpoint, expected: 'Denied' });
    }
    for (const ep of endpoints) {
      if (ep.includes('*')) continue;
      requests.push({ matrix: 'workload invokes an endpoint directly', principal: role, action: 'sagemaker:InvokeEndpoint', resource: ep, viaEndpoint: sagemakerEndpoint, expected: 'Denied' });
    }
  }
  // A route's integration role invokes its own route's model or endpoint and nothing else.
  const byRole = new Map<string, Set<string>>();
  for (const m of world.methods) {
    if (!m.integrationRoleArn) continue;
    const target = integrationTarget(m.integrationUri, m.integrationRoleArn.split(':')[4]);
    if (!target) continue;
    byRole.set(m.integrationRoleArn, new Set([...(byRole.get(m.integrationRoleArn) ?? []), target]));
  }
  for (const [roleArn, own] of byRole) {
    const role = world.roles.find((r) => r.arn === roleArn);
    if (!role) continue;
    for (const model of models) {
      requests.push({ matrix: own.has(model) ? 'route role: its own model' : 'route role: a model outside its grant', principal: role, action: 'bedrock:InvokeModel', resource: model, expected: own.has(model) ? 'Allowed' : 'Denied' });
    }
    for (const ep of endpoints) {
      if (ep.includes('*')) continue;
      requests.push({ matrix: own.has(ep) ? 'route role: its own endpoint' : 'route role: an endpoint outside its grant', principal: role, action: 'sagemaker:InvokeEndpoint', resource: ep, expected: own.has(ep) ? 'Allowed' : 'Denied' });
    }
  }
  return requests;
}

/** Everything a revoked identity was ever granted (each action on each named resource): all denied. */
function revokedRequests(identities: RoleView[]): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const role of identities.filter(isRevoked)) {
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

function gatewayRequests(world: PolicyWorld, identities: RoleView[], tally: Tally): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const endpoint = world.endpointFor('execute-api');
  const stages = world.resources.filter((r) => r.type === 'aws_api_gateway_stage');
  for (const m of world.methods) {
    tally.check(
      `gateway method ${m.httpMethod} ${m.path} (${m.address}) requires IAM auth`,
      m.authorization === 'AWS_IAM',
      `authorization is ${m.authorization}; every gateway method must be AWS_IAM`,
      m.apiKeyRequired ? 'AWS_IAM and API key' : 'AWS_IAM',
    );
    const api = world.restApis.get(m.restApiId);
    if (!api) continue;
    const stage = String(stages.find((s) => s.values.rest_api_id === m.restApiId)?.values.stage_name ?? 'e2e');
    const verb = m.httpMethod === 'ANY' ? 'POST' : m.httpMethod;
    const arn = `${api.executionArn}/${stage}/${verb}${m.path}`;
    const segments = m.path.split('/');
    requests.push({ matrix: 'unsigned caller on a gateway route', principal: 'anonymous', action: 'execute-api:Invoke', resource: arn, viaEndpoint: endpoint, expected: 'Denied' });
    for (const role of identities) {
      const own = segments.includes(workloadOf(role.tags)!);
      const expected: Decision = own && !isRevoked(role) ? 'Allowed' : 'Denied';
      const matrix = isRevoked(role) ? 'revoked workload: gateway route' : own ? 'own gateway route' : "another workload's gateway route";
      requests.push({ matrix, principal: role, action: 'execute-api:Invoke', resource: arn, viaEndpoint: endpoint, expected });
      if (own && endpoint) {
        requests.push({
          matrix: 'own gateway route from outside the environment endpoint',
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
  const identities = workloadIdentities(world);
  const summary: MatrixSummary = { tried: 0, asExpected: 0, allowed: 0, denied: 0 };
  if (identities.length === 0) {
    tally.fail('access matrix', 'no workload identity (IAM role tagged with a workload) was applied: nothing to evaluate');
    return summary;
  }
  console.log(`  ${identities.length} workload identities (${identities.filter(isRevoked).length} revoked), ${world.secrets.length} secrets, ${world.methods.length} gateway methods`);
  const requests = [
    ...secretRequests(world, identities),
    ...modelRequests(world, identities),
    ...revokedRequests(identities),
    ...gatewayRequests(world, identities, tally),
  ];
  for (const request of requests) {
    const result = await evaluate(world, request);
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
