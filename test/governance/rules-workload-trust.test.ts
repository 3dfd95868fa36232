import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkloadIdentityTrust } from '../../constructs/policy-engine/rules';
import { evaluate, GOVERNANCE_TAGS, planStack, policy, synthStack } from './fixtures';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { DIGEST, environment, MODELS, serviceProps, synth, testStack } from '../support';
import { agentProps } from '../workloads/agent.support';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';

/**
 * WorkloadIdentityTrust: the environment's gateway, endpoints and key admit every role under
 * /governed/<env>/, so what trusts such a role decides who acts as a workload. The attacks are
 * roles a team adds there with the boundary, trusted by a person, CI or a service that is not
 * the workload's runtime; each must fail the rule (and so synth and plan review).
 */
const ACCOUNT = '123456789012';
const CI = `arn:aws:iam::${ACCOUNT}:role/growth-ci`;
const RUNTIMES = 'pods.eks.amazonaws.com (EKS Pod Identity), sagemaker.amazonaws.com (a SageMaker endpoint) or bedrock.amazonaws.com (a Bedrock agent)';
const POD = {
  Sid: 'EksPodIdentity',
  Effect: 'Allow',
  Principal: { Service: 'pods.eks.amazonaws.com' },
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  Condition: {
    StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/kubernetes-namespace': 'growth', 'aws:RequestTag/kubernetes-service-account': 'growth' },
    ArnEquals: { 'aws:SourceArn': `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/ai-workloads` },
  },
};
const SAGEMAKER = {
  Sid: 'ServiceSagemaker',
  Effect: 'Allow',
  Principal: { Service: 'sagemaker.amazonaws.com' },
  Action: ['sts:AssumeRole'],
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': [`arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/dev-scorer`, `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:model/dev-scorer-*`] } },
};
const BEDROCK_AGENT = {
  Sid: 'ServiceBedrock',
  Effect: 'Allow',
  Principal: { Service: 'bedrock.amazonaws.com' },
  Action: ['sts:AssumeRole'],
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:agent/*` } },
};
const CI_TRUST = { Sid: 'Ci', Effect: 'Allow', Principal: { AWS: CI }, Action: 'sts:AssumeRole' };

function workloadRole(statements: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return synthStack({
    resource: {
      aws_iam_role: {
        r: { name: 'dev-euw1-growth-ci', path: '/governed/dev/', assume_role_policy: policy(...statements), permissions_boundary: `arn:aws:iam::${ACCOUNT}:policy/governed/dev/dev-euw1-workload-boundary`, max_session_duration: 3600, tags: GOVERNANCE_TAGS, ...extra },
      },
    },
  });
}
const outcome = (statements: Record<string, unknown>[], extra?: Record<string, unknown>) => evaluate(WorkloadIdentityTrust, workloadRole(statements, extra), 'aws_iam_role.r') as { status: string; message?: string };
const notRuntime = (where: string, principal: string, env = 'dev') => `${where} trusts ${principal}, which is not a workload runtime (${RUNTIMES}): a role under /governed/${env}/ acts with a workload's standing at the gateway`;
const withCondition = (statement: Record<string, any>, condition: Record<string, unknown>) => ({ ...statement, Condition: condition });

describe('WorkloadIdentityTrust', () => {
  test("attack: a team role under /governed/dev/ with the boundary, trusted by the team's CI role (a human-driven workload)", () => {
    expect(outcome([CI_TRUST])).toEqual({ status: 'non-compliant', message: notRuntime('statement "Ci"', `AWS ${CI}`) });
  });
  test("attack: the CI role added beside the pods' trust", () => {
    expect(outcome([POD, CI_TRUST])).toEqual({ status: 'non-compliant', message: notRuntime('statement "Ci"', `AWS ${CI}`) });
    expect(outcome([{ ...POD, Principal: { Service: 'pods.eks.amazonaws.com', AWS: CI } }]).message).toBe(notRuntime('statement "EksPodIdentity"', `AWS ${CI}`));
  });
  test('attack: a person through SSO, the account root, a GitHub OIDC provider, another service', () => {
    const sso = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef`;
    expect(outcome([{ ...CI_TRUST, Principal: { AWS: sso } }]).message).toBe(notRuntime('statement "Ci"', `AWS ${sso}`));
    expect(outcome([{ ...CI_TRUST, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }]).message).toBe(notRuntime('statement "Ci"', `AWS arn:aws:iam::${ACCOUNT}:root`));
    const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const oidc = { Sid: 'GitHub', Effect: 'Allow', Principal: { Federated: github }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:example/growth:ref:refs/heads/main' } } };
    expect(outcome([oidc]).message).toBe(notRuntime('statement "GitHub"', `Federated ${github}`));
    const lambda = { ...SAGEMAKER, Sid: 'Lambda', Principal: { Service: 'lambda.amazonaws.com' } };
    expect(outcome([lambda]).message).toBe(notRuntime('statement "Lambda"', 'Service lambda.amazonaws.com'));
  });
  test('attack: Principal "*" and NotPrincipal', () => {
    expect(outcome([{ ...CI_TRUST, Principal: '*' }]).message).toBe('statement "Ci" trusts Principal "*"');
    expect(outcome([{ Sid: 'Np', Effect: 'Allow', NotPrincipal: { AWS: CI }, Action: 'sts:AssumeRole' }]).message).toBe('statement "Np" uses NotPrincipal (trusts everyone else)');
  });
  test('attack: a path under /governed/dev/ (the gateway admits role/governed/dev/*) and a path under the integration path', () => {
    expect(outcome([CI_TRUST], { path: '/governed/dev/growth/' }).message).toBe(notRuntime('statement "Ci"', `AWS ${CI}`));
    expect(outcome([CI_TRUST], { path: '/governed/dev/integration/tools/' }).status).toBe('non-compliant');
    expect(outcome([CI_TRUST], { path: '/governed/prod/' }).message).toBe(notRuntime('statement "Ci"', `AWS ${CI}`, 'prod'));
  });
  test('attack: Pod Identity without the namespace and service account tags (any pod bound to the role)', () => {
    const { ['aws:RequestTag/kubernetes-namespace']: _n, ['aws:RequestTag/kubernetes-service-account']: _s, ...rest } = POD.Condition.StringEquals;
    expect(outcome([withCondition(POD, { ...POD.Condition, StringEquals: rest })]).message).toBe(
      'statement "EksPodIdentity" trusts pods.eks.amazonaws.com without a aws:RequestTag/kubernetes-namespace condition (any pod of any cluster, namespace or service account could act as this workload); ' +
        'statement "EksPodIdentity" trusts pods.eks.amazonaws.com without a aws:RequestTag/kubernetes-service-account condition (any pod of any cluster, namespace or service account could act as this workload)',
    );
  });
  test('attack: Pod Identity pinned to any cluster, or only if the key exists', () => {
    expect(outcome([withCondition(POD, { ...POD.Condition, ArnEquals: undefined, ArnLike: { 'aws:SourceArn': `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*` } })]).message).toBe(
      `statement "EksPodIdentity" pins aws:SourceArn to arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*, not the cluster ARN arn:aws:eks:<region>:<account>:cluster/<name>`,
    );
    expect(outcome([withCondition(POD, { StringEquals: POD.Condition.StringEquals, ArnEqualsIfExists: POD.Condition.ArnEquals })]).message).toBe(
      'statement "EksPodIdentity" trusts pods.eks.amazonaws.com without a aws:SourceArn condition (any pod of any cluster, namespace or service account could act as this workload)',
    );
  });
  test('attack: the runtime allowed more than it assumes with (web identity, sts:*, NotAction)', () => {
    expect(outcome([{ ...POD, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:AssumeRoleWithWebIdentity'] }]).message).toBe(
      'statement "EksPodIdentity" allows pods.eks.amazonaws.com sts:AssumeRoleWithWebIdentity (the runtime assumes the role with sts:AssumeRole and sts:TagSession only)',
    );
    expect(outcome([{ ...SAGEMAKER, Action: 'sts:*' }]).message).toBe('statement "ServiceSagemaker" allows sagemaker.amazonaws.com sts:* (the runtime assumes the role with sts:AssumeRole only)');
    const { Action: _a, ...noAction } = BEDROCK_AGENT;
    expect(outcome([{ ...noAction, NotAction: 'sts:GetFederationToken' }]).message).toBe('statement "ServiceBedrock" uses NotAction (allows bedrock.amazonaws.com every other STS action)');
  });
  test('attack: SageMaker and Bedrock trusts without a source ARN, or with one any resource of the service matches', () => {
    expect(outcome([withCondition(SAGEMAKER, { StringEquals: { 'aws:SourceAccount': ACCOUNT } })]).message).toBe(
      'statement "ServiceSagemaker" trusts sagemaker.amazonaws.com without a aws:SourceArn condition (any resource of the service could act as this workload)',
    );
    expect(outcome([withCondition(SAGEMAKER, { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:*` } })]).message).toBe(
      `statement "ServiceSagemaker" pins aws:SourceArn to arn:aws:sagemaker:eu-west-1:${ACCOUNT}:*, not the endpoint or model ARN arn:aws:sagemaker:<region>:<account>:endpoint/<name>`,
    );
    expect(outcome([withCondition(BEDROCK_AGENT, { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ACCOUNT}:flow/*` } })]).message).toBe(
      `statement "ServiceBedrock" pins aws:SourceArn to arn:aws:bedrock:eu-west-1:${ACCOUNT}:flow/*, not an agent ARN arn:aws:bedrock:<region>:<account>:agent/<id>`,
    );
    expect(outcome([withCondition(BEDROCK_AGENT, { ArnLike: BEDROCK_AGENT.Condition.ArnLike })]).message).toBe(
      'statement "ServiceBedrock" trusts bedrock.amazonaws.com without a aws:SourceAccount condition (any resource of the service could act as this workload)',
    );
  });
  test('attack: one role trusted by two runtimes (a Bedrock agent role the pods can also assume)', () => {
    expect(outcome([POD, BEDROCK_AGENT]).message).toBe('trusts more than one runtime (pods.eks.amazonaws.com, bedrock.amazonaws.com): a workload identity has one');
  });

  test('compliant: each runtime as WorkloadIdentity writes it', () => {
    expect(outcome([POD]).status).toBe('compliant');
    expect(outcome([SAGEMAKER]).status).toBe('compliant');
    expect(outcome([BEDROCK_AGENT]).status).toBe('compliant');
  });
  test('compliant with the account as a Terraform reference (an environment without accountId)', () => {
    const account = '${data.aws_caller_identity.env_account.account_id}';
    expect(outcome([withCondition(POD, { StringEquals: { ...POD.Condition.StringEquals, 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': `arn:aws:eks:eu-west-1:${account}:cluster/ai-workloads` } })]).status).toBe('compliant');
  });
  test('not applicable to integration identities, platform roles and roles outside /governed/', () => {
    expect(outcome([CI_TRUST], { path: '/governed/dev/integration/' }).status).toBe('not-applicable');
    expect(outcome([CI_TRUST], { path: '/governed-platform/dev/' }).status).toBe('not-applicable');
    expect(outcome([CI_TRUST], { path: '/ci/' }).status).toBe('not-applicable');
    expect(outcome([CI_TRUST], { path: undefined }).status).toBe('not-applicable');
  });
  test('cannot verify when the path is an expression', () => {
    expect(outcome([CI_TRUST], { path: '${var.path}' })).toEqual({ status: 'cannot-verify', message: 'path is an expression; cannot tell whether this is a workload identity' });
  });
  test('in a plan: the same verdict as at synth', () => {
    const values = { name: 'dev-euw1-growth-ci', path: '/governed/dev/', assume_role_policy: policy(POD, CI_TRUST), tags: GOVERNANCE_TAGS };
    expect(evaluate(WorkloadIdentityTrust, planStack([{ address: 'aws_iam_role.r', values }]), 'aws_iam_role.r')).toEqual({ status: 'non-compliant', message: notRuntime('statement "Ci"', `AWS ${CI}`) });
    expect(evaluate(WorkloadIdentityTrust, planStack([{ address: 'aws_iam_role.r', values: { ...values, assume_role_policy: policy(POD) } }]), 'aws_iam_role.r').status).toBe('compliant');
  });

  test("the library's workload identities pass (Kubernetes, SageMaker, Bedrock agent); a team that adds its CI role to one fails synth through GovernedApp", () => {
    const build = (override: boolean) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'workload-trust-'));
      const app = new GovernedApp({ outdir });
      const stack = testStack(app, 'product-dev');
      new KubernetesProvider(stack, 'kubernetes', {});
      const env = environment(stack);
      const llm = new GovernedInferenceService(stack, 'llm', serviceProps(env, { name: 'llm', model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
      new GovernedInferenceService(stack, 'scorer', serviceProps(env, { name: 'scorer', model: { sageMaker: { image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer@${DIGEST}`, instanceType: 'ml.m5.large' } } }));
      new GovernedAgent(stack, 'agent', agentProps(env, { tools: [] }));
      if (override) {
        llm.identity.role.addOverride('assume_role_policy', JSON.stringify({ Version: '2012-10-17', Statement: [CI_TRUST] }));
      }
      app.synth();
      return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8')) as { resource: { aws_iam_role: Record<string, { path: string; assume_role_policy: string }> } };
    };
    const synthesized = build(false);
    const workloads = Object.entries(synthesized.resource.aws_iam_role).filter(([, r]) => r.path === '/governed/dev/');
    const services = workloads.map(([, r]) => JSON.parse(r.assume_role_policy).Statement[0].Principal.Service).sort();
    expect(services).toEqual(['pods.eks.amazonaws.com', 'pods.eks.amazonaws.com', 'sagemaker.amazonaws.com']);
    const model = synthStack(synthesized);
    for (const [name] of workloads) expect(evaluate(WorkloadIdentityTrust, model, `aws_iam_role.${name}`).status).toBe('compliant');
    expect(() => build(true)).toThrow(/\[WorkloadIdentityTrust\] product-dev: product-dev\/llm\/identity\/role \(aws_iam_role\.[^)]+\): statement "Ci" trusts AWS arn:aws:iam::123456789012:role\/growth-ci, which is not a workload runtime/);
  });

  test("the library's Bedrock agent role passes", () => {
    // Synthesized without GovernedApp: the Bedrock agent's model statement has no guardrail
    // condition and fails ModelAccessGuardrail, which is not this rule's concern.
    const stack = testStack();
    new KubernetesProvider(stack, 'kubernetes', {});
    const env = environment(stack);
    const bedrockAgent = { foundationModel: MODELS[0], instruction: 'Triage incidents: summarize, classify and route them to the on-call team.' };
    new GovernedAgent(stack, 'agent', agentProps(env, { tools: [], runtime: { kubernetes: { image: `ghcr.io/example/triage@${DIGEST}`, resources: { cpu: '500m', memory: '1Gi' } }, bedrockAgent } }));
    const json = synth(stack);
    const [name] = Object.entries<any>(json.resource.aws_iam_role).find(([, r]) => JSON.parse(r.assume_role_policy).Statement[0].Principal.Service === 'bedrock.amazonaws.com')!;
    expect(json.resource.aws_iam_role[name].path).toBe('/governed/dev/');
    expect(evaluate(WorkloadIdentityTrust, synthStack(json as any), `aws_iam_role.${name}`).status).toBe('compliant');
  });
});
