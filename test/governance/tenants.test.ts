import { TerraformVariable } from 'cdktf';
import { ProblemCollector } from '../../constructs/governance/errors';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { checkWorkloadTenants, parseTenantsTag, tenantPlanCheck, tenantsTagValue } from '../../constructs/governance/tenants';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { DIGEST, environment, only, resources, serviceProps, synth, testStack } from '../support';
import { agent } from '../workloads/agent.support';

const TENANTS = ['acme', 'globex', 'initech'];

describe('tenants on the synthesized resources', () => {
  const stack = testStack();
  const env = environment(stack, { tenants: TENANTS });
  new GovernedInferenceService(stack, 'chat', serviceProps(env, { name: 'chat', tenants: ['globex', 'acme'] }));
  new GovernedInferenceService(stack, 'llm', serviceProps(env, { name: 'llm', tenants: ['initech'], model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
  new GovernedInferenceService(stack, 'search', serviceProps(env, { name: 'search', tenants: 'all' }));
  agent(stack, env, { tenants: ['acme'] });
  const json = synth(stack);

  test('the environment knows its tenants', () => {
    expect(env.tenants).toEqual(TENANTS);
  });
  test('a service carries its tenants as one tag, sorted, space-separated', () => {
    expect(only(json, 'aws_iam_role', 'chat_identity_role').tags[TAG_KEYS.tenants]).toBe('acme globex');
  });
  test("a service serving every tenant carries 'all'", () => {
    expect(only(json, 'aws_iam_role', 'search_identity_role').tags[TAG_KEYS.tenants]).toBe('all');
  });
  test('the kind travels as a tag: inference-service and agent', () => {
    expect([only(json, 'aws_iam_role', 'chat_identity_role').tags[TAG_KEYS.kind], only(json, 'aws_iam_role', 'agent_identity_role').tags[TAG_KEYS.kind]]).toEqual(['inference-service', 'agent']);
  });
  test('every resource of a workload carries the same tenants tag (secrets, logs)', () => {
    const chatTagged = Object.values(json.resource).flatMap((byName) => Object.values(byName)).filter((r: any) => r.tags?.[TAG_KEYS.workload] === 'chat');
    expect(new Set(chatTagged.map((r: any) => r.tags[TAG_KEYS.tenants]))).toEqual(new Set(['acme globex']));
  });
  test('Kubernetes objects carry one label per tenant, for selectors', () => {
    const deployment = resources(json, 'kubernetes_deployment_v1').find(([n]) => n.startsWith('llm'))![1];
    expect(deployment.metadata.labels).toMatchObject({ 'tenant.governance.ai/initech': 'true', 'governance.ai/tenants': 'initech', 'governance.ai/kind': 'inference-service' });
  });
  test('a list of tenants that is no label value goes to an annotation, with a label per tenant', () => {
    const stack2 = testStack();
    const env2 = environment(stack2, { tenants: TENANTS });
    new GovernedInferenceService(stack2, 'llm', serviceProps(env2, { name: 'llm', tenants: ['acme', 'globex'], model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
    const d = resources(synth(stack2), 'kubernetes_deployment_v1')[0][1];
    expect([d.metadata.annotations['governance.ai/tenants'], d.metadata.labels['tenant.governance.ai/acme'], d.metadata.labels['tenant.governance.ai/globex'], d.metadata.labels['governance.ai/tenants']]).toEqual(['acme globex', 'true', 'true', undefined]);
  });
  test("an agent's tenants become a Cedar forbid on tool calls for other tenants", () => {
    const forbid = resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes('tenants'))![1].definition[0].static[0].statement;
    expect(forbid).toContain('when { context has tenant && !["acme"].contains(context.tenant) }');
  });
});

describe('tenants against a contract (checked at plan)', () => {
  /** What a contract environment will publish: the tenants as a list only Terraform knows. */
  function contractWithTenants(stack: ReturnType<typeof testStack>) {
    const env = GovernedEnvironment.fromContract(stack, 'env', 'dev');
    Object.assign(env, { tenants: new TerraformVariable(stack, 'tenants', { type: 'list(string)' }).listValue });
    return env;
  }

  test('a workload names its tenants: the role carries a precondition that they are a subset', () => {
    const stack = testStack();
    new GovernedInferenceService(stack, 'chat', serviceProps(contractWithTenants(stack), { name: 'chat', tenants: ['acme', 'globex'] }));
    const pre = only(synth(stack), 'aws_iam_role', 'chat_identity_role').lifecycle.precondition;
    expect(pre).toEqual([
      {
        condition: '${(length(setsubtract(["acme", "globex"], var.tenants)) < 1)}',
        error_message: 'test/chat: tenants ["acme","globex"] are not all tenants of environment dev; use the environment\'s tenants or ask the platform team to add them.',
      },
    ]);
  });
  test('a workload names no tenant: the precondition requires the environment to serve none', () => {
    const check = tenantPlanCheck('test/chat', { name: 'dev', tenants: ['${var.tenants}'] as never }, undefined);
    expect(check).toBeUndefined(); // a literal-looking list is not a Terraform value: decided at synth
    const stack = testStack();
    new GovernedInferenceService(stack, 'chat', serviceProps(contractWithTenants(stack), { name: 'chat' }));
    expect(only(synth(stack), 'aws_iam_role', 'chat_identity_role').lifecycle.precondition[0].condition).toBe('${(length(var.tenants) < 1)}');
  });
  test('an environment that does not publish tenants leaves only the shape to check', () => {
    const problems = new ProblemCollector('p');
    expect(checkWorkloadTenants(problems, 'tenants', ['acme'], { name: 'dev' })).toEqual(['acme']);
    expect(problems.count).toBe(0);
  });
});

describe('the tenants tag', () => {
  test('reads back what it writes', () => {
    expect(parseTenantsTag(tenantsTagValue(['globex', 'acme']))).toEqual(['acme', 'globex']);
  });
  test('fails when the tenants of one workload do not fit one tag value (256 characters)', () => {
    const many = Array.from({ length: 12 }, (_, i) => `tenant-with-a-long-name-${String(i).padStart(2, '0')}`);
    const problems = new ProblemCollector('test/svc');
    checkWorkloadTenants(problems, 'tenants', many, { name: 'dev', tenants: many });
    expect(() => problems.throwIfAny()).toThrow(/tenants: got \["tenant-with-a-long-name-00".*; allowed: tenants whose names fit one AWS tag value \(256 characters; these take 323\); fix: use 'all' when the workload serves every tenant/);
  });
});
