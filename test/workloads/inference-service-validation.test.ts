import { Testing } from 'cdktf';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { WorkloadIdentity } from '../../constructs/primitives/workload-identity';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import type { GovernedInferenceServiceProps } from '../../constructs/workloads/inference-service-props';
import { DIGEST, environment, PRODUCT_OWNER, serviceProps, testApp, testStack } from '../support';

/** Builds a service with overrides in a fresh stack and environment. */
function build(overrides: Partial<GovernedInferenceServiceProps> | ((env: GovernedEnvironment) => Partial<GovernedInferenceServiceProps>), envOverrides = {}) {
  const stack = testStack();
  const env = environment(stack, envOverrides);
  const o = typeof overrides === 'function' ? overrides(env) : overrides;
  return () => new GovernedInferenceService(stack, 'svc', serviceProps(env, o));
}

const k8s = (image: string, extra = {}) => ({ model: { kubernetes: { image, resources: { cpu: '1', memory: '1Gi' }, ...extra } } });

describe('GovernedInferenceService bad input', () => {
  test('fails when the owner is missing', () => {
    expect(build({ owner: undefined as any })).toThrow(/at 'test\/svc'[\s\S]*owner: got nothing; allowed: an object \{ team, accountable, approver, revoker \}/);
  });
  test('fails when the approver is missing', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, approver: '' } })).toThrow(/owner\.approver: got ""; allowed: an e-mail address of a named person, like "maria\.chen@example\.com" \(no spaces, no empty part between dots\); fix: set owner\.approver/);
  });
  test('fails when the revoker is missing', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, revoker: undefined as any } })).toThrow(/owner\.revoker: got nothing; allowed: an e-mail address/);
  });
  test('fails when the team is not a slug', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, team: 'Customer Support' } })).toThrow(/owner\.team: got "Customer Support"; allowed: a lowercase slug/);
  });
  test('fails when review-by is unparseable', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, reviewBy: '31/03/2027' } })).toThrow(/owner\.reviewBy: got "31\/03\/2027"; allowed: an ISO date YYYY-MM-DD/);
  });
  test('fails when review-by is not a real date', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, reviewBy: '2027-02-30' } })).toThrow(/owner\.reviewBy: got "2027-02-30"; allowed: an ISO date/);
  });
  test('fails when review-by has passed', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, reviewBy: '2026-11-01' } })).toThrow(/owner\.reviewBy: got "2026-11-01"; allowed: a date after today \(2026-11-22\); fix: review this workload's access with sam\.ortiz@example\.com/);
  });
  test('fails when review-by is more than a year ahead', () => {
    expect(build({ owner: { ...PRODUCT_OWNER, reviewBy: '2028-01-01' } })).toThrow(/owner\.reviewBy: got "2028-01-01"; allowed: at most 366 days after today/);
  });
  test('fails when the model is not on the allow-list', () => {
    expect(build({ model: { bedrock: { modelId: 'meta.llama3-70b-instruct-v1:0' } } })).toThrow(/model\.bedrock\.modelId: got "meta\.llama3-70b-instruct-v1:0"; allowed: one of the environment's allowed models \["anthropic[^\]]*\]; fix: use an allowed model, or ask the platform team \(sam\.ortiz@example\.com\)/);
  });
  test('fails when model sources conflict', () => {
    expect(build({ model: { bedrock: { modelId: 'amazon.titan-embed-text-v2:0' }, sageMaker: { image: `r@${DIGEST}`, instanceType: 'ml.m5.large' } } })).toThrow(/model: got \["bedrock","sageMaker"\]; allowed: exactly one of model\.bedrock, model\.sageMaker or model\.kubernetes; fix: keep one model source and move sageMaker to its own workload/);
  });
  test('fails when no model source is given', () => {
    expect(build({ model: {} })).toThrow(/model: got \{\}; allowed: exactly one of/);
  });
  test('fails when the Kubernetes image is not pinned by digest', () => {
    expect(build(k8s('ghcr.io/example/llm:latest'))).toThrow(/model\.kubernetes\.image: got "ghcr\.io\/example\/llm:latest"; allowed: an image pinned by digest: <registry>\/<repository>@sha256:<64 hex>; fix: use the image digest, not a tag/);
  });
  test('fails when the SageMaker image is not pinned by digest', () => {
    expect(build({ model: { sageMaker: { image: '1.dkr.ecr.eu-west-1.amazonaws.com/m:v1', instanceType: 'ml.m5.large' } } })).toThrow(/model\.sageMaker\.image: got ".*:v1"; allowed: an image pinned by digest/);
  });
  test('fails when the SageMaker instance type is not an ml.* type', () => {
    expect(build({ model: { sageMaker: { image: `r@${DIGEST}`, instanceType: 'm5.large' } } })).toThrow(/model\.sageMaker\.instanceType: got "m5\.large"; allowed: a SageMaker instance type/);
  });
  test('fails when the Kubernetes port is privileged', () => {
    expect(build(k8s(`r@${DIGEST}`, { port: 80 }))).toThrow(/model\.kubernetes\.port: got 80; allowed: a port from 1024 to 65535 \(the container runs as non-root\)/);
  });
  test('fails when the Kubernetes resources are not quantities', () => {
    expect(build({ model: { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: 'two', memory: '1Gi' } } } })).toThrow(/model\.kubernetes\.resources\.cpu: got "two"/);
  });
  test('fails when a Kubernetes model targets an environment without Kubernetes', () => {
    expect(build(k8s(`r@${DIGEST}`), { kubernetes: undefined })).toThrow(/model\.kubernetes: got "environment without kubernetes"; allowed: an environment with a Kubernetes runtime \(dev has none\)/);
  });
  test('fails when the data classification is unknown', () => {
    expect(build({ dataClassification: 'secret' as any })).toThrow(/dataClassification: got "secret"; allowed: public, internal, confidential, restricted/);
  });
  test('fails when the name is not a slug', () => {
    expect(build({ name: 'Chat_Bot' })).toThrow(/name: got "Chat_Bot"; allowed: a lowercase slug of at most 32 characters/);
  });
  test('fails when the removed per-service quotas are given (quotas are per caller, by tier)', () => {
    expect(build({ quotas: { ratePerSecond: 0, burst: 1, monthlyRequests: 10 } } as never)).toThrow(/quotas: got \{"ratePerSecond":0,"burst":1,"monthlyRequests":10\}; allowed: nothing: quotas are per caller now, by tier \(the environment's quotaTiers\); fix: remove quotas and set quotaTier to one of the environment's tiers \(default "standard"\)/);
  });
  test('fails when a budget has no alert e-mail', () => {
    expect(build({ budget: { monthlyUsd: 100, alertEmails: [] } })).toThrow(/budget\.alertEmails: got \[\]; allowed: at least one e-mail address/);
  });
  test('fails when a revocation has no reason', () => {
    expect(build({ revoked: { by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: '' } })).toThrow(/revoked\.reason: got ""; allowed: a reason of at least 10 characters/);
  });
  test('fails when a revocation has no revoker', () => {
    expect(build({ revoked: { by: '', at: '2026-11-20T09:00:00Z', reason: 'INC-1: credential leaked' } })).toThrow(/revoked\.by: got ""; allowed: the e-mail address of the person who revoked/);
  });
  test('fails when two workloads share a name in one environment, naming both paths', () => {
    const stack = testStack();
    const env = environment(stack);
    new GovernedInferenceService(stack, 'first', serviceProps(env));
    expect(() => new GovernedInferenceService(stack, 'second', serviceProps(env, { owner: { ...PRODUCT_OWNER, team: 'other-team' } }))).toThrow(
      /at 'test\/second'[\s\S]*name: got "chat"; allowed: a name not yet used in environment dev \(already used by GovernedInferenceService at 'test\/first', team customer-support\)/,
    );
  });
  test('fails when two stacks of one app claim the same workload in the same environment', () => {
    const app = testApp();
    const a = testStack(app, 'a');
    const b = testStack(app, 'b');
    new GovernedInferenceService(a, 'chat', serviceProps(GovernedEnvironment.fromContract(a, 'env', 'dev')));
    expect(() => new GovernedInferenceService(b, 'chat', serviceProps(GovernedEnvironment.fromContract(b, 'env', 'dev')))).toThrow(/already used by GovernedInferenceService at 'a\/chat'/);
  });
  test('fails when the quota tier is not one of the environment\'s', () => {
    expect(build({ ...k8s(`ghcr.io/x/y@${DIGEST}`), quotaTier: 'unlimited' })).toThrow(/quotaTier: got "unlimited"; allowed: one of dev's quota tiers \["standard"\]; fix: pick one of them, or ask the platform team \(sam\.ortiz@example\.com\) for a new tier/);
  });
  test('issue 16 item 3: fails when a workload name would collide with a derived or platform name', () => {
    for (const name of ['platform-rotation', 'chat-gw', 'triage-bedrock']) {
      expect([name, build({ name })]).toEqual([name, expect.any(Function)]);
      expect(build({ name })).toThrow(new RegExp(`name: got "${name}"; allowed: a name that collides with no derived or platform name`));
    }
    expect(build({ name: 'audit' })).toThrow(/name: got "audit"; allowed: a name other than "audit" and "gateway"/);
  });
  test('issue 16 item 3: at their maxima (16-character environment, 32-character workload, the longest suffix) every derived name fits its AWS limit', () => {
    const stack = testStack();
    const env = environment(stack, { name: 'environment-long', region: 'ap-southeast-2', allowedRegions: ['ap-southeast-2'], imageSources: [{ ecr: { accountId: '123456789012', region: 'ap-southeast-2', repositories: ['*'] } }, { registry: 'ghcr.io/example' }] });
    const name = 'a'.repeat(32);
    new GovernedInferenceService(stack, 'bedrock', serviceProps(env, { name }));
    new GovernedInferenceService(stack, 'sagemaker', serviceProps(env, { name: `b${'a'.repeat(31)}`, model: { sageMaker: { image: `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/m@${DIGEST}`, instanceType: 'ml.m5.large' } } }));
    const json = JSON.parse(Testing.synth(stack));
    const roles = Object.values(json.resource.aws_iam_role as Record<string, { name: string }>).map((r) => r.name);
    expect(roles).toContain(`environment-long-apse2-${name}-gw`);
    for (const role of roles) expect([role, role.length <= 64]).toEqual([role, true]);
    for (const fn of Object.values(json.resource.aws_lambda_function as Record<string, { function_name: string }>)) expect(fn.function_name.length).toBeLessThanOrEqual(64);
    expect(json.resource.aws_sagemaker_endpoint && Object.values(json.resource.aws_sagemaker_endpoint as Record<string, { name: string }>).map((e) => e.name.length <= 63)).toEqual([true]);
  });
  test('issue 16 item 3: fails when a derived IAM name exceeds 64 characters, naming the derived name', () => {
    const stack = testStack();
    const env = environment(stack);
    expect(() => new WorkloadIdentity(stack, 'long', { environment: env, name: 'x'.repeat(60), tags: {}, runtime: { kind: 'gateway-integration', functionRoleArn: env.gateway.functionRoleArn } }))
      .toThrow(/at 'test\/long'[\s\S]*name: got "x{60}"; allowed: a value whose IAM role name "dev-euw1-x{60}" fits AWS's limit of 64 characters \(it has 69\); fix: shorten name by at least 5 characters/);
  });
  test('lists every problem in one error', () => {
    expect(build({ name: 'X', dataClassification: 'nope' as any })).toThrow(/\(2 problems\)/);
  });
  test('does not reject an unresolved token for its shape', () => {
    const stack = testStack();
    const env = environment(stack);
    const guardrail = { arn: env.guardrail.arn, id: env.guardrail.id, version: env.guardrail.version }; // tokens
    expect(() => new GovernedInferenceService(stack, 'svc', serviceProps(env, { guardrail }))).not.toThrow();
  });
  test('fails when an image is an unresolved token: its source must be checked at synth', () => {
    const stack = testStack();
    const env = environment(stack);
    const image = env.kmsKeyArn; // any token string
    expect(() => new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: { sageMaker: { image, instanceType: 'ml.m5.large' } } }))).toThrow(
      /model\.sageMaker\.image: got "\$\{TfToken\[TOKEN\.\d+\]\}"; allowed: an image pinned by digest: <registry>\/<repository>@sha256:<64 hex>, written literally \(its source is checked at synth, not only at apply\); fix: write the image reference with its digest instead of a Terraform reference/,
    );
  });
});
