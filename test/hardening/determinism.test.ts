import * as fs from 'fs';
import * as path from 'path';
import type { IGrantee } from '../../constructs/governance/environment';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import type { GovernedInferenceServiceProps } from '../../constructs/workloads/inference-service-props';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { WorkloadStack } from '../../stacks/workload-stack';
import { incidentTriageApp } from '../../examples/incident-triage-agent';
import { platformApp } from '../../examples/platform-app';
import { productApp } from '../../examples/product-app';
import { filesUnder, synthExamples } from '../../scripts/synth-examples';
import { envProps, synth, testApp, testStack, type TfJson } from '../support';
import { agentProps } from '../workloads/agent.support';

/**
 * Same input, same output: reviewers diff what was synthesized, so two synths of the examples must
 * be byte-identical, and one workload's addresses and configuration must not depend on which
 * other workloads share its stack or in which order they were declared.
 */
describe('two synths of the examples', () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    // Two child processes at once, as two CI jobs would: nothing shared but the sources.
    [first, second] = await Promise.all([synthExamples('determinism-a-'), synthExamples('determinism-b-')]);
  }, 180_000);
  afterAll(() => {
    for (const dir of [first, second]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('write the same files', () => {
    expect(filesUnder(second)).toEqual(filesUnder(first));
    expect(filesUnder(first)).toEqual(expect.arrayContaining(['manifest.json', path.join('stacks', 'product-dev', 'cdk.tf.json')]));
  });

  test('write every file byte for byte the same', () => {
    const differing = filesUnder(first).filter((f) => !fs.readFileSync(path.join(first, f)).equals(fs.readFileSync(path.join(second, f))));
    expect(differing).toEqual([]);
  });

  test('never write the output directory into the output', () => {
    const leaking = filesUnder(first).filter((f) => fs.readFileSync(path.join(first, f)).includes(first));
    expect(leaking).toEqual([]);
  });
});

const team = { team: 'customer-support', accountable: 'maria.chen@example.com', approver: 'sam.ortiz@example.com', revoker: 'secops-oncall@example.com', reviewBy: '2027-03-31' };
const DIGEST = 'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

/** The product example's workloads, plus one more, by construct id. */
const WORKLOADS: Record<string, Omit<GovernedInferenceServiceProps, 'environment'>> = {
  'support-chat': { name: 'support-chat', owner: team, dataClassification: 'confidential', model: { bedrock: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } }, budget: { monthlyUsd: 500, alertEmails: ['maria.chen@example.com'] } },
  'fraud-scoring': { name: 'fraud-scoring', owner: { ...team, team: 'risk-ml' }, dataClassification: 'restricted', model: { sageMaker: { image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@${DIGEST}`, instanceType: 'ml.m5.large' } } },
  'ticket-summarizer': { name: 'ticket-summarizer', owner: team, dataClassification: 'confidential', model: { kubernetes: { image: `ghcr.io/example/summarizer@${DIGEST}`, resources: { cpu: '1', memory: '2Gi' } } } },
  'doc-search': { name: 'doc-search', owner: team, dataClassification: 'internal', model: { bedrock: { modelId: 'amazon.titan-embed-text-v2:0' } } },
};

const AGENT_ID = 'triage-agent';

/** A product stack with the given workloads in the given order; the summarizer calls the chat when both exist. */
function productStack(order: string[]): TfJson {
  const stack = new WorkloadStack(testApp(), 'product-dev', { environmentName: 'dev', region: 'eu-west-1', contract: { kubernetes: 'from-contract' } });
  const built: Record<string, GovernedInferenceService> = {};
  for (const id of order) {
    if (id === AGENT_ID) new GovernedAgent(stack, id, agentProps(stack.environment, { name: AGENT_ID, models: [{ bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] }));
    else built[id] = new GovernedInferenceService(stack, id, { ...WORKLOADS[id], environment: stack.environment });
  }
  if (built['support-chat'] && built['ticket-summarizer']) built['support-chat'].grantInvoke(built['ticket-summarizer'] as IGrantee);
  return synth(stack);
}

/** Every resource of one workload (its construct id prefixes the Terraform name), as address -> configuration. */
function workloadResources(json: TfJson, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(json.resource)) for (const [name, config] of Object.entries(byName)) if (name.startsWith(`${id}_`)) out[`${type}.${name}`] = config;
  return out;
}

describe("one workload's resources do not depend on the others", () => {
  const baselineOrder = ['support-chat', 'fraud-scoring', 'ticket-summarizer'];
  let baseline: TfJson;
  beforeAll(() => {
    baseline = productStack(baselineOrder);
  });

  test('every baseline workload has resources to compare: its identity, its route entry, its logs', () => {
    for (const id of baselineOrder) {
      const types = Object.keys(workloadResources(baseline, id)).map((a) => a.split('.')[0]);
      expect([id, types]).toEqual([id, expect.arrayContaining(['aws_iam_role', 'aws_iam_role_policy', 'aws_ssm_parameter', 'aws_cloudwatch_log_group'])]);
    }
  });

  test('reordering the workloads changes no address or configuration', () => {
    const reordered = productStack(['ticket-summarizer', 'fraud-scoring', 'support-chat']);
    for (const id of baselineOrder) expect([id, workloadResources(reordered, id)]).toEqual([id, workloadResources(baseline, id)]);
  });

  test('adding a workload in the middle changes no other workload', () => {
    const added = productStack(['support-chat', 'doc-search', 'fraud-scoring', 'ticket-summarizer']);
    for (const id of baselineOrder) expect([id, workloadResources(added, id)]).toEqual([id, workloadResources(baseline, id)]);
    expect(Object.keys(workloadResources(added, 'doc-search'))).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_iam_role\.doc-search_identity_role_/), expect.stringMatching(/^aws_ssm_parameter\.doc-search_route-entry_parameter_/)]));
  });

  test('adding an agent changes no inference service', () => {
    const withAgent = productStack(['support-chat', AGENT_ID, 'fraud-scoring', 'ticket-summarizer']);
    for (const id of baselineOrder) expect([id, workloadResources(withAgent, id)]).toEqual([id, workloadResources(baseline, id)]);
    expect(Object.keys(workloadResources(withAgent, AGENT_ID)).length).toBeGreaterThan(5);
  });

  test('removing a workload changes no other workload', () => {
    const removed = productStack(['support-chat', 'ticket-summarizer']);
    for (const id of ['support-chat', 'ticket-summarizer']) expect([id, workloadResources(removed, id)]).toEqual([id, workloadResources(baseline, id)]);
  });
});

/**
 * The gateway belongs to the platform stack and its routes are fixed (SECURITY.md, decision 3): a
 * workload adds no API Gateway resource and changes nothing of the platform's, so the platform
 * stack a reviewer approved stays byte for byte the same whatever workloads come and go.
 */
describe('workloads change nothing of the platform', () => {
  test('the example platform stacks are the same with and without every example workload in the app', () => {
    const alone = platformApp(testApp());
    const app = testApp();
    const withWorkloads = platformApp(app);
    productApp(app);
    incidentTriageApp(app);
    for (const name of ['dev', 'prod'] as const) expect([name, synth(withWorkloads[name])]).toEqual([name, synth(alone[name])]);
  });

  test("an environment's resources are the same with workloads beside it in its stack", () => {
    const environmentResources = (json: TfJson) => Object.fromEntries(Object.entries(json.resource).map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).filter(([n]) => n.startsWith('env_')))]).filter(([, byName]) => Object.keys(byName).length > 0));
    const alone = testStack();
    new GovernedEnvironment(alone, 'env', envProps());
    const shared = testStack();
    const env = new GovernedEnvironment(shared, 'env', envProps());
    const chat = new GovernedInferenceService(shared, 'chat', { ...WORKLOADS['support-chat'], environment: env });
    const summarizer = new GovernedInferenceService(shared, 'summarizer', { ...WORKLOADS['ticket-summarizer'], environment: env });
    chat.grantInvoke(summarizer);
    new GovernedInferenceService(shared, 'scoring', { ...WORKLOADS['fraud-scoring'], environment: env });
    const withWorkloads = synth(shared);
    expect(Object.keys(withWorkloads.resource.aws_iam_role).length).toBeGreaterThan(Object.keys(synth(alone).resource.aws_iam_role).length);
    expect(environmentResources(withWorkloads)).toEqual(environmentResources(synth(alone)));
  });
});
