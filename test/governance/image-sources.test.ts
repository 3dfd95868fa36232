import { runSimulation } from '@cloud-copilot/iam-simulate';
import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { ProblemCollector } from '../../constructs/governance/errors';
import {
  checkImageSources, ecrRepositoryArnsOf, imageAllowed, imageCandidates, imagePlanCheck, parseImageReference, sageMakerImagePullStatements,
} from '../../constructs/governance/image-sources';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { DIGEST, environment, only, serviceProps, statements, synth, testStack, type TfJson } from '../support';

const ACCOUNT = '123456789012';
const FRAUD = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@${DIGEST}`;
const SOURCES = [{ ecr: { accountId: ACCOUNT, region: 'eu-west-1', repositories: ['fraud-model', 'ml/*'] } }, { registry: 'ghcr.io/example' }];

function patterns(sources: unknown): string[] {
  const problems = new ProblemCollector('p');
  const out = checkImageSources(problems, 'imageSources', sources);
  problems.throwIfAny();
  return out;
}

describe('image references and sources', () => {
  test('an ECR reference is taken apart into host, repository, digest, account and region', () => {
    expect(parseImageReference(FRAUD)).toEqual({ host: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, repository: 'fraud-model', digest: DIGEST, ecr: { accountId: ACCOUNT, region: 'eu-west-1', partition: 'aws' } });
  });
  test('a reference without a registry is Docker Hub, as `docker pull` reads it', () => {
    expect(parseImageReference(`nginx@${DIGEST}`)).toMatchObject({ host: 'docker.io', repository: 'library/nginx' });
  });
  test('a tag next to the digest is dropped: the digest decides', () => {
    expect(parseImageReference(`ghcr.io/example/llm:1.2@${DIGEST}`)).toMatchObject({ host: 'ghcr.io', repository: 'example/llm', digest: DIGEST });
  });
  test('sources become patterns: one repository, a namespace, a registry prefix', () => {
    expect(patterns(SOURCES)).toEqual([`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/fraud-model`, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ml/*`, 'ghcr.io/example/*']);
  });
  test('an image matches through its repository or a prefix of its path', () => {
    const allowed = patterns(SOURCES);
    const ok = (image: string) => imageAllowed(parseImageReference(image)!, allowed);
    expect([
      ok(FRAUD),
      ok(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ml/team/scorer@${DIGEST}`),
      ok(`ghcr.io/example/deep/path/llm@${DIGEST}`),
      ok(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/fraud-model-v2@${DIGEST}`),
      ok(`ghcr.io/example-evil/llm@${DIGEST}`),
      ok(`210987654321.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@${DIGEST}`),
      ok(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/fraud-model@${DIGEST}`),
    ]).toEqual([true, true, true, false, false, false, false]);
  });
  test('the candidates of an image are its repository and each prefix of its path', () => {
    expect(imageCandidates(parseImageReference(`ghcr.io/a/b/c@${DIGEST}`)!)).toEqual(['ghcr.io/a/b/c', 'ghcr.io/*', 'ghcr.io/a/*', 'ghcr.io/a/b/*']);
  });
  test('the boundary pulls from the ECR patterns only, as repository ARNs', () => {
    expect(ecrRepositoryArnsOf(patterns(SOURCES))).toEqual([`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/fraud-model`, `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/ml/*`]);
  });
  test('the SageMaker pull statements name the image repository, never a wildcard', () => {
    expect(sageMakerImagePullStatements(FRAUD, patterns(SOURCES))[0]).toEqual({ Sid: 'PullModelImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/fraud-model` });
  });
  test('fails when asked for the pull statements of an image outside the allowed sources', () => {
    expect(() => sageMakerImagePullStatements(`210987654321.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@${DIGEST}`, patterns(SOURCES))).toThrow(/not from an allowed image source/);
  });
  test('against a contract, the source check is a precondition on the candidates and the published patterns', () => {
    const stack = testStack();
    const env = { name: 'dev', region: 'eu-west-1' };
    // What a contract environment publishes: a list only Terraform knows.
    const check = imagePlanCheck('product-dev/chat', 'model.kubernetes.image', `ghcr.io/example/llm@${DIGEST}`, { ...env, imageSourcePatterns: new TerraformVariable(stack, 'patterns', { type: 'list(string)' }).listValue });
    expect(check?.errorMessage).toBe(`product-dev/chat: model.kubernetes.image ghcr.io/example/llm@${DIGEST} is not from one of environment dev's allowed image sources; use an allowed source or ask the platform team to add it.`);
    new TerraformOutput(stack, 'condition', { value: check?.condition });
    expect((JSON.parse(Testing.synth(stack)) as { output: { condition: { value: string } } }).output.condition.value).toBe('${(length(setintersection(["ghcr.io/example/llm", "ghcr.io/*", "ghcr.io/example/*"], var.patterns)) >= 1)}');
    // Literal patterns (a GovernedEnvironment) were decided at synth: nothing left for plan.
    expect(imagePlanCheck('p', 'model.kubernetes.image', `ghcr.io/example/llm@${DIGEST}`, { ...env, imageSourcePatterns: ['ghcr.io/example/*'] })).toBeUndefined();
  });
});

describe('SageMaker image pulls, enforced by AWS (attack: a careless team-added statement)', () => {
  let json: TfJson;
  let boundary: Record<string, unknown>;
  let rolePolicy: Record<string, unknown>;

  beforeAll(() => {
    const stack = testStack();
    const env = environment(stack, { imageSources: SOURCES });
    const svc = new GovernedInferenceService(stack, 'fraud', serviceProps(env, { name: 'fraud', model: { sageMaker: { image: FRAUD, instanceType: 'ml.m5.large' } } }));
    // What a team adds by hand next to the construct: pulls from anywhere.
    svc.addToPolicy('hand-added', [{ Sid: 'PullAnything', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: 'arn:aws:ecr:*:*:repository/*' }]);
    json = synth(stack);
    // Terraform references the simulator cannot know become this account's values.
    const literal = (s: string) => JSON.parse(s.replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT).replace(/\$\{[^}]+\}/g, 'resolved-at-apply'));
    boundary = literal(only(json, 'aws_iam_policy', 'env_boundary').policy);
    const policies = Object.values(json.resource.aws_iam_role_policy ?? {}).filter((p: any) => String(p.role).includes('fraud_identity_role'));
    rolePolicy = { Version: '2012-10-17', Statement: policies.flatMap((p: any) => literal(p.policy).Statement) };
  });

  const pull = async (repositoryArn: string) => {
    const result = await runSimulation(
      {
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/dev-fraud/sagemaker`,
          action: 'ecr:BatchGetImage',
          resource: { resource: repositoryArn, accountId: repositoryArn.split(':')[4] },
          contextVariables: { 'aws:RequestedRegion': repositoryArn.split(':')[3], 'aws:PrincipalAccount': ACCOUNT, 'aws:SecureTransport': 'true' },
        },
        identityPolicies: [{ name: 'role', policy: rolePolicy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }],
        // Cross-account repositories would also need their repository policy; the boundary decides first.
        resourcePolicy: repositoryArn.split(':')[4] === ACCOUNT ? undefined : { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:*', Resource: repositoryArn }] },
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  };

  test("the role's own statement pulls only its image repository", () => {
    const own = statements(JSON.stringify(rolePolicy)).find((s) => s.Sid === 'PullModelImage');
    expect(own.Resource).toBe(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/fraud-model`);
  });
  test('the boundary allows ECR pulls from the allowed ECR repositories only', () => {
    expect((boundary.Statement as any[]).find((s) => s.Sid === 'PullModelImages').Resource).toEqual([`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/fraud-model`, `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/ml/*`]);
  });
  test('allowed: its own image repository', async () => {
    expect(await pull(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/fraud-model`)).toBe('Allowed');
  });
  test('denied despite the hand-added statement: another repository of the same account', async () => {
    expect(await pull(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/other-model`)).toMatch(/Denied/);
  });
  test('denied despite the hand-added statement: a repository of another account, even one that admits everybody', async () => {
    expect(await pull('arn:aws:ecr:eu-west-1:210987654321:repository/fraud-model')).toMatch(/Denied/);
  });
  test('denied despite the hand-added statement: the same repository name in another region', async () => {
    expect(await pull(`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/fraud-model`)).toMatch(/Denied/);
  });
  test('an environment without an ECR source gives the boundary no ECR pull at all', () => {
    const stack = testStack();
    environment(stack, { imageSources: [{ registry: 'ghcr.io/example' }] });
    const b = JSON.parse(only(synth(stack), 'aws_iam_policy', 'env_boundary').policy);
    expect(b.Statement.map((s: { Sid: string }) => s.Sid)).not.toContain('PullModelImages');
  });
});
