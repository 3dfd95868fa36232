/**
 * Model access (SECURITY.md decision 4): a workload's own code never invokes a model or endpoint
 * directly (only through the gateway); an integration identity invokes the model or endpoint of
 * its own route entry, a Bedrock model only with the environment guardrail, and nothing else.
 * The expectation comes from the route entries the workloads published (the route wiring), not
 * from the policies under test.
 */
import type { AccessRequest } from '../evaluate';
import { environmentsOf, isRevoked, rolesOfKind, workloadOf } from '../identities';
import { BEDROCK_AGENT_SUFFIX } from '../../../../constructs/governance/names';
import { teamAdded } from '../principals';
import type { PolicyWorld } from '../policy-world';

/** A model id no example allows: the "outside every grant" request. */
export const OUTSIDE_MODEL_ID = 'e2e.model-outside-every-grant-v1:0';

interface RouteModel {
  arn: string;
  guardrail?: string;
}

/** The models (Bedrock ARNs with their guardrail) and endpoints a route entry names. */
function targetsOf(entry: Record<string, unknown>): { models: RouteModel[]; endpoints: string[] } {
  const guardrail = entry.guardrail as { arn?: string; version?: string } | undefined;
  const withGuardrail = (arn: string): RouteModel => ({ arn, guardrail: guardrail?.arn ? `${guardrail.arn}:${guardrail.version}` : undefined });
  const models: RouteModel[] = [];
  if (typeof entry.modelArn === 'string') models.push(withGuardrail(entry.modelArn));
  for (const m of Object.values((entry.models as Record<string, { modelArn?: string }>) ?? {})) if (m.modelArn) models.push(withGuardrail(m.modelArn));
  return { models, endpoints: typeof entry.endpointArn === 'string' ? [entry.endpointArn] : [] };
}

export function modelRequests(world: PolicyWorld, account: string, region: string): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const outsideModel = `arn:aws:bedrock:${region}::foundation-model/${OUTSIDE_MODEL_ID}`;
  for (const env of environmentsOf(world)) {
    const entries = world.routeEntries.filter((e) => e.environment === env);
    const all = entries.map((e) => targetsOf(e.entry));
    const models = [...new Set([...all.flatMap((t) => t.models.map((m) => m.arn)), outsideModel])];
    const endpoints = [...new Set([...all.flatMap((t) => t.endpoints), `arn:aws:sagemaker:${region}:${account}:endpoint/${env}-outside-every-grant`])];
    const bedrock = world.endpointFor('bedrock-runtime', env);
    const sagemaker = world.endpointFor('sagemaker.runtime', env);

    for (const role of rolesOfKind(world, 'workload', env).filter((r) => !isRevoked(r))) {
      for (const model of models) requests.push({ matrix: 'workload invokes a model directly', principal: role, action: 'bedrock:InvokeModel', resource: model, viaEndpoint: bedrock, expected: 'Denied' });
      // A team adds the grant itself, with the guardrail: the boundary still keeps pods and
      // SageMaker containers off the models (only Bedrock agent roles invoke them directly).
      if (!role.name.endsWith(BEDROCK_AGENT_SUFFIX)) {
        for (const model of models.filter((m) => m !== outsideModel)) {
          requests.push({
            matrix: 'workload invokes a model directly with a team-added grant',
            principal: role,
            action: 'bedrock:InvokeModel',
            resource: model,
            viaEndpoint: bedrock,
            context: { 'bedrock:GuardrailIdentifier': `arn:aws:bedrock:${region}:${account}:guardrail/e2estandin00001` },
            teamAdded: [teamAdded('bedrock:InvokeModel *', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' })],
            expected: 'Denied',
          });
        }
      }
      for (const ep of endpoints) requests.push({ matrix: 'workload invokes an endpoint directly', principal: role, action: 'sagemaker:InvokeEndpoint', resource: ep, viaEndpoint: sagemaker, expected: 'Denied' });
    }

    for (const identity of rolesOfKind(world, 'integration', env).filter((r) => !isRevoked(r))) {
      const entry = entries.find((e) => e.name === workloadOf(identity));
      const own = entry ? targetsOf(entry.entry) : { models: [], endpoints: [] };
      for (const model of models) {
        const mine = own.models.find((m) => m.arn === model);
        if (mine?.guardrail) {
          requests.push({ matrix: 'integration identity invokes its route model with the guardrail', principal: identity, action: 'bedrock:InvokeModel', resource: model, context: { 'bedrock:GuardrailIdentifier': mine.guardrail }, expected: 'Allowed' });
          requests.push({ matrix: 'integration identity invokes its route model without the guardrail', principal: identity, action: 'bedrock:InvokeModel', resource: model, expected: 'Denied' });
        } else {
          requests.push({ matrix: 'integration identity invokes a model outside its route', principal: identity, action: 'bedrock:InvokeModel', resource: model, expected: 'Denied' });
        }
      }
      for (const ep of endpoints) {
        const mine = own.endpoints.includes(ep);
        requests.push({ matrix: mine ? 'integration identity invokes its route endpoint' : 'integration identity invokes an endpoint outside its route', principal: identity, action: 'sagemaker:InvokeEndpoint', resource: ep, expected: mine ? 'Allowed' : 'Denied' });
      }
    }
  }
  return requests;
}
