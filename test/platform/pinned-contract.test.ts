import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { ContractEnvironment } from '../../constructs/platform/environment-contract';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { run } from '../../cli/main';
import { productApp } from '../../examples/product-app';
import { PlatformStack } from '../../stacks/platform-stack';
import { WorkloadStack } from '../../stacks/workload-stack';
import { envProps, synth, testApp, TODAY } from '../support';
import { contractFile, DEV_CONTRACT_FILE, devContract } from './contract.support';

const quiet = { log: () => undefined, warn: () => undefined };

function pinnedStack(options: { file?: string; region?: string; contract?: Record<string, unknown> } = {}) {
  return new WorkloadStack(testApp(), 'product-dev', { environmentName: 'dev', region: options.region ?? 'eu-west-1', contract: { file: options.file ?? DEV_CONTRACT_FILE, ...options.contract } });
}

function postconditions(stack: WorkloadStack): { condition: string; error_message: string }[] {
  const json = synth(stack);
  return Object.values(json.data!.aws_ssm_parameter)[0].lifecycle.postcondition;
}

describe('a pinned contract', () => {
  test('gives the environment its values as literals', () => {
    const env = pinnedStack().environment;
    const pinned = devContract();
    expect(env.kmsKeyArn).toBe(pinned.kmsKeyArn);
    expect(env.logRetentionDays).toBe(90);
    expect(env.secretRotationDays).toBe(30);
    expect(env.allowedRegions).toEqual(['eu-west-1']);
    expect(env.gateway).toEqual(pinned.gateway);
    expect(env.accountability.approver).toBe('sam.ortiz@example.com');
  });

  test('makes the allowed models known at synth', () => {
    expect(pinnedStack().environment.allowedModelsKnown).toBe(true);
  });

  test("gives the contract's Kubernetes runtime without an option", () => {
    expect(pinnedStack().environment.kubernetes?.clusterName).toBe('ai-workloads');
  });

  test('records the contract it pins in the stack metadata', () => {
    const app = new GovernedApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pinned-')), context: { [TODAY_CONTEXT_KEY]: TODAY }, ...quiet });
    productApp(app, { file: DEV_CONTRACT_FILE });
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8'));
    expect(json['//'].governance.contracts).toEqual([
      { environment: 'dev', parameter: '/governance/dev/contract', source: 'pinned', file: DEV_CONTRACT_FILE.split(path.sep).join('/'), revision: devContract().revision, invocationLogGroupName: '/governed/dev/audit/model-invocations' },
    ]);
  });

  test('a product stack synthesized alone has no cannot-verify finding, and check --strict exits 0', async () => {
    const app = new GovernedApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pinned-')), context: { [TODAY_CONTEXT_KEY]: TODAY }, ...quiet });
    productApp(app, { file: DEV_CONTRACT_FILE });
    app.synth();
    expect(app.evaluations.flatMap((e) => e.findings)).toEqual([]);
    let out = '';
    const code = await run(['check', '--strict', app.outdir], { stdout: (s) => (out += s), stderr: (s) => (out += s), now: new Date(`${TODAY}T12:00:00Z`) });
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('product-dev') });
  });
});

describe('plan-time postconditions on the live contract', () => {
  test('the live revision must be the pinned one', () => {
    const [revision] = postconditions(pinnedStack());
    expect(revision.condition).toBe(`\${try(jsondecode(self.insecure_value).revision, "") == "${devContract().revision}"}`);
    expect(revision.error_message).toMatch(/the live contract has revision \$\{try\(jsondecode\(self\.insecure_value\)\.revision, "none"\)\}, the pinned copy .*dev\.json has revision [0-9a-f]{64}\. Fix: export the live contract again \(aws ssm get-parameter --name \/governance\/dev\/contract .*contract export --env dev -o .*dev\.json\), review the diff and commit it/);
  });

  test('the live retention must be at least the floor', () => {
    const retention = postconditions(pinnedStack()).find((p) => p.condition.includes('logRetentionDays'))!;
    expect(retention.condition).toBe('${try(jsondecode(self.insecure_value).logRetentionDays, 0) >= (false || try(jsondecode(self.insecure_value).production, false) ? 365 : 90)}');
    expect(retention.error_message).toMatch(/logRetentionDays is \$\{try\(tostring\(jsondecode\(self\.insecure_value\)\.logRetentionDays\), "missing"\)\}; allowed: at least 90 days in dev \(365 in production\)\. Fix: the platform team \(sam\.ortiz@example\.com\) sets logRetentionDays to 90 or more/);
  });

  test('the live rotation must be at most 90 days', () => {
    expect(postconditions(pinnedStack()).map((p) => p.condition)).toContain('${try(jsondecode(self.insecure_value).secretRotationDays, 0) >= 1 && try(jsondecode(self.insecure_value).secretRotationDays, 0) <= 90}');
  });

  test("the stack's region must be allowed", () => {
    const region = postconditions(pinnedStack()).find((p) => p.condition.includes('allowedRegions'))!;
    expect(region.condition).toBe('${contains(try(jsondecode(self.insecure_value).allowedRegions, []), "eu-west-1")}');
    expect(region.error_message).toMatch(/the stack deploys to eu-west-1, which is not in allowedRegions .* Fix: deploy the stack to an allowed region, or ask the platform team \(sam\.ortiz@example\.com\) to add eu-west-1/);
  });

  test('each model the stack uses must be allowed', () => {
    const app = testApp();
    const stack = productApp(app, { file: DEV_CONTRACT_FILE });
    const models = postconditions(stack).filter((p) => p.condition.includes('allowedModels'));
    expect(models.map((p) => p.condition)).toEqual(['${contains(try(jsondecode(self.insecure_value).allowedModels, []), "anthropic.claude-3-haiku-20240307-v1:0")}']);
    expect(models[0].error_message).toMatch(/the stack uses model anthropic\.claude-3-haiku-20240307-v1:0, which is not in allowedModels .*Fix: use an allowed model/);
  });

  test('a product team that widens its pinned copy and recomputes the revision still fails plan: the live revision differs', () => {
    // The attack: add a model the platform never allowed, and make the file self-consistent again.
    const forged = contractFile({ allowedModels: [...(devContract().allowedModels as string[]), 'meta.llama3-70b-instruct-v1:0'] });
    const forgedRevision = JSON.parse(fs.readFileSync(forged, 'utf8')).revision as string;
    expect(forgedRevision).not.toBe(devContract().revision);
    // Synth accepts the file (it is consistent), but plan compares it with the platform's published revision.
    const [revision] = postconditions(pinnedStack({ file: forged }));
    expect(revision.condition).toBe(`\${try(jsondecode(self.insecure_value).revision, "") == "${forgedRevision}"}`);
  });

  test('the live contract is read from its parameter', () => {
    const json = synth(pinnedStack());
    expect(Object.values(json.data!.aws_ssm_parameter)[0].name).toBe('/governance/dev/contract');
  });
});

describe('bad pinned contracts fail synth with one error', () => {
  test('fails when the pinned file is missing', () => {
    expect(() => pinnedStack({ file: 'contracts/nope.json' })).toThrow(
      /Invalid governance props at 'product-dev\/environment' \(1 problem\):\n {2}- contract\.file: got "contracts\/nope\.json"; allowed: a pinned contract file \(\S+contracts\/nope\.json does not exist\); fix: pin the contract: aws ssm get-parameter --name \/governance\/dev\/contract --query Parameter\.Value --output text \| npx cdktf-ai-governance contract export --env dev -o contracts\/nope\.json, and commit the file/,
    );
  });

  test('fails when the pinned file was edited after export', () => {
    const file = contractFile({ logRetentionDays: 365 }, { keepRevision: true });
    expect(() => pinnedStack({ file })).toThrow(new RegExp(`- ${file}: revision: got "${devContract().revision}"; allowed: the SHA-256 of the contract's own content, [0-9a-f]{64}; fix: the contract was changed after the platform published it: export it again from the live contract instead of editing it`));
  });

  test("fails when the pinned contract is another environment's", () => {
    expect(() => new WorkloadStack(testApp(), 'product-prod', { environmentName: 'prod', region: 'eu-west-1', contract: { file: DEV_CONTRACT_FILE } })).toThrow(
      /dev\.json: name: got "dev"; allowed: the contract of environment "prod"; fix: pin prod's contract \(\/governance\/prod\/contract\), or target environment "dev"/,
    );
  });

  test("fails when the pinned contract's retention is below the floor", () => {
    const file = contractFile({ logRetentionDays: 30 });
    expect(() => pinnedStack({ file })).toThrow(/dev\.json: logRetentionDays: got 30; allowed: at least 90 days in dev; fix: ask the platform team \(sam\.ortiz@example\.com\) to set logRetentionDays to 90 or more/);
  });

  test("fails when the pinned contract's rotation is longer than 90 days", () => {
    const file = contractFile({ secretRotationDays: 120 });
    expect(() => pinnedStack({ file })).toThrow(/dev\.json: secretRotationDays: got 120; allowed: at most 90 days/);
  });

  test('fails when the pinned contract lacks a field (a platform on an older library)', () => {
    const file = contractFile({}, { drop: ['allowedRegions'] });
    expect(() => pinnedStack({ file })).toThrow(/dev\.json: allowedRegions: got nothing; allowed: a list of AWS region names; fix: the platform stack publishes this field from cdktf-ai-governance of this version on: upgrade the platform repository, apply it, then export the contract again/);
  });

  test('fails when the pinned file is not JSON', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'dev.json');
    fs.writeFileSync(file, 'arn:aws:ssm:...');
    expect(() => pinnedStack({ file })).toThrow(/dev\.json: got "arn:aws:ssm:\.\.\."; allowed: the contract as JSON/);
  });

  test("fails when the stack's region is not one of the pinned contract's allowed regions", () => {
    expect(() => pinnedStack({ region: 'us-east-1' })).toThrow(
      /Invalid governance props at 'product-dev' \(1 problem\):\n {2}- region: got "us-east-1"; allowed: one of dev's allowedRegions \["eu-west-1"\] \(pinned contract \S+dev\.json\); fix: deploy the stack to an allowed region, or ask the platform team \(sam\.ortiz@example\.com\) to add us-east-1 to dev's allowedRegions and export the contract again/,
    );
  });

  test("fails when production contradicts the pinned contract's flag", () => {
    expect(() => pinnedStack({ contract: { production: true } })).toThrow(/options\.production: got true; allowed: the pinned contract's production flag \(false\); fix: leave production out: the contract decides it/);
  });

  test('fails when the Kubernetes runtime is asked of a contract that has none', () => {
    const file = contractFile({ kubernetes: null });
    expect(() => pinnedStack({ file, contract: { kubernetes: 'from-contract' } })).toThrow(/options\.kubernetes: got "from-contract"; allowed: a Kubernetes runtime in dev's contract \(the pinned copy \S+ has none\)/);
  });
});

describe('without a pinned contract', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
  });
  afterEach(() => process.chdir(cwd));

  test('fails synth when the platform stack is not in the app, with the fix to pin the contract', () => {
    const app = new GovernedApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'unpinned-')), context: { [TODAY_CONTEXT_KEY]: TODAY }, ...quiet });
    new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-west-1' });
    expect(() => app.synth()).toThrow(
      /^Invalid governance props at 'product-dev\/environment' \(1 problem\):\n {2}- contract\.file: got nothing; allowed: a pinned copy of dev's contract \(contracts\/dev\.json does not exist under \S+\), or dev's platform stack in the same app; fix: pin the contract: aws ssm get-parameter --name \/governance\/dev\/contract --query Parameter\.Value --output text \| npx cdktf-ai-governance contract export --env dev -o contracts\/dev\.json, commit contracts\/dev\.json, and synthesize again/,
    );
  });

  test('reads the live contract when the platform stack is in the same app', () => {
    const app = testApp();
    new PlatformStack(app, 'platform-dev', envProps());
    const env = new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-west-1' }).environment as ContractEnvironment;
    expect(env.pinned).toBeUndefined();
    expect(env.kmsKeyArn).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(env.node.validate()).toEqual([]);
  });

  test("fails synth when the stack's region is not one of the same-app platform's allowed regions", () => {
    const app = new GovernedApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'unpinned-')), context: { [TODAY_CONTEXT_KEY]: TODAY }, ...quiet });
    new PlatformStack(app, 'platform-dev', envProps());
    new WorkloadStack(app, 'product-dev', { environmentName: 'dev', region: 'eu-central-1' });
    expect(() => app.synth()).toThrow(/- region: got "eu-central-1"; allowed: one of dev's allowedRegions \["eu-west-1"\] \(platform stack platform-dev\); fix: deploy the stack to an allowed region, or ask the platform team to add eu-central-1 to dev's allowedRegions/);
  });

  test('uses contracts/<env>.json under the working directory when it exists', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'product-repo-'));
    fs.mkdirSync(path.join(dir, 'contracts'));
    fs.copyFileSync(DEV_CONTRACT_FILE, path.join(dir, 'contracts', 'dev.json'));
    process.chdir(dir);
    const env = new WorkloadStack(new App({ outdir: path.join(dir, 'cdktf.out') }), 'product-dev', { environmentName: 'dev', region: 'eu-west-1' }).environment as ContractEnvironment;
    expect(env.contractFile).toBe(path.join('contracts', 'dev.json'));
    expect(env.pinned?.revision).toBe(devContract().revision);
  });
});
