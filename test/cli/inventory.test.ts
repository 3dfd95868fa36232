/**
 * `cdktf-ai-governance inventory` on the examples' synthesized output, on real plans of them
 * (test/fixtures/plans, made by test/fixtures/make-plan-fixtures.sh) and on real states from the
 * e2e tier (test/fixtures/states, made by test/fixtures/make-state-fixtures.sh: Terraform 1.11.4
 * and the AWS provider 5.100.0 applied to moto): the same identities in each; `--due` with a
 * pinned today.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { EXIT, run } from '../../cli/main';
import { CSV_COLUMNS } from '../../cli/inventory-render';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { allExamples } from '../../examples/all-examples';
import { GOVERNANCE_TAGS, synthJson } from '../governance/fixtures';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const STACKS = ['platform-dev', 'product-dev', 'agents-dev'] as const;
const plan = (s: string) => path.join(FIXTURES, 'plans', `${s}.plan.json`);
const state = (s: string) => path.join(FIXTURES, 'states', `${s}.state.json`);

let outdir: string;
let scratch: string;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-examples-'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-input-'));
  const app = new App({ outdir, stackTraces: false, context: { [TODAY_CONTEXT_KEY]: '2026-11-22' } });
  allExamples(app);
  app.synth();
});

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: new Date('2026-11-22T08:00:00Z') });
  return { code, stdout, stderr };
}

interface JsonIdentity {
  environment: string;
  workload: string;
  kind: string;
  approver: string;
  reviewBy: string;
  daysLeft: number | null;
  review: string;
  tenants: string[];
  models: string[];
  tools: string[];
  secrets: string[];
  revoked: boolean;
  roles: { name: string; arn?: string }[];
  sources: string[];
  conflicts: string[];
}

async function inventory(...argv: string[]): Promise<{ code: number; identities: JsonIdentity[]; ungoverned: { name: string; missingTags: string[] }[]; reviewsDue: boolean }> {
  const r = await cli('inventory', ...argv, '--format', 'json');
  if (r.code === EXIT.unusableInput) throw new Error(r.stderr);
  const json = JSON.parse(r.stdout);
  return { code: r.code, identities: json.identities, ungoverned: json.ungoverned, reviewsDue: json.reviewsDue };
}

/** environment/workload (kind): role, role, ... — what "the same identities" means. */
const shape = (ids: JsonIdentity[]) => ids.map((i) => `${i.environment}/${i.workload} (${i.kind}): ${i.roles.map((r) => r.name).join(', ')}`);
const devOnly = (ids: JsonIdentity[]) => ids.filter((i) => i.environment === 'dev');

describe('inventory of the examples', () => {
  test("lists every governed identity of the examples' synthesized output, with its roles", async () => {
    const { code, identities, ungoverned } = await inventory(outdir);
    expect(code).toBe(EXIT.passed);
    expect(shape(identities)).toEqual([
      'dev/fraud-scoring (inference-service): dev-euw1-fraud-scoring, dev-euw1-fraud-scoring-gw',
      'dev/incident-triage (agent): dev-euw1-incident-triage, dev-euw1-incident-triage-gw',
      'dev/legacy-classifier (inference-service): dev-euw1-legacy-classifier',
      'dev/platform (platform): dev-euw1-platform-deploy-customer-support, dev-euw1-platform-deploy-risk-ml, dev-euw1-platform-deploy-sre, dev-euw1-platform-gateway, dev-euw1-platform-rotation',
      // A Bedrock service that calls nothing has only its integration identity (what the gateway function acts with).
      'dev/support-chat (inference-service): dev-euw1-support-chat-gw',
      'dev/ticket-summarizer (inference-service): dev-euw1-ticket-summarizer',
      'dev/triage-prototype (agent): dev-euw1-triage-prototype, dev-euw1-triage-prototype-gw',
      'prod/platform (platform): prod-euw1-platform-apigateway-logs, prod-euw1-platform-gateway, prod-euw1-platform-invocation-logging, prod-euw1-platform-rotation',
    ]);
    expect(ungoverned).toEqual([]);
  });

  test('the same identities in the synthesized output, the real plans and the real states', async () => {
    const synth = devOnly((await inventory(...STACKS.map((s) => path.join(outdir, 'stacks', s)))).identities);
    const plans = (await inventory(...STACKS.map(plan))).identities;
    const states = (await inventory(...STACKS.map(state))).identities;
    expect(shape(plans)).toEqual(shape(synth));
    expect(shape(states)).toEqual(shape(synth));
  });

  test('the production platform: the same identities in its synthesized output and its real state', async () => {
    const synth = (await inventory(path.join(outdir, 'stacks', 'platform-prod'))).identities;
    expect(shape((await inventory(state('platform-prod'))).identities)).toEqual(shape(synth));
  });

  test('the same owners, review dates, tenants and states in every input kind', async () => {
    const facts = (ids: JsonIdentity[]) => ids.map((i) => [i.workload, i.approver, i.reviewBy, i.tenants.join(' '), i.revoked]);
    const synth = facts(devOnly((await inventory(...STACKS.map((s) => path.join(outdir, 'stacks', s)))).identities));
    expect(facts((await inventory(...STACKS.map(plan))).identities)).toEqual(synth);
    expect(facts((await inventory(...STACKS.map(state))).identities)).toEqual(synth);
  });

  test('all inputs together: one entry per identity, found in three inputs, with no conflicting facts', async () => {
    const { identities } = await inventory(...STACKS.flatMap((s) => [path.join(outdir, 'stacks', s), plan(s), state(s)]));
    const chat = identities.find((i) => i.workload === 'support-chat')!;
    expect([identities.length, chat.sources.length, identities.flatMap((i) => i.conflicts)]).toEqual([7, 3, []]);
  });

  test('a state adds what only an apply knows: role ARNs', async () => {
    const { identities } = await inventory(state('product-dev'));
    expect(identities.find((i) => i.workload === 'support-chat')!.roles).toEqual([{ name: 'dev-euw1-support-chat-gw', arn: 'arn:aws:iam::123456789012:role/governed/dev/integration/dev-euw1-support-chat-gw', path: '/governed/dev/integration/', address: expect.any(String), stacks: ['product-dev'] }]);
  });

  test('models, tools, secrets and tenants of the agent', async () => {
    const { identities } = await inventory(path.join(outdir, 'stacks', 'agents-dev'));
    const triage = identities.find((i) => i.workload === 'incident-triage')!;
    expect({ models: triage.models, tools: triage.tools, secrets: triage.secrets, tenants: triage.tenants }).toEqual({
      models: ['bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', 'image:ghcr.io/example/incident-triage@sha256:7d2c1f0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d'],
      tools: ['lambda:runbook-search', 'runbook-search (read)', 'ticketing-read (read)', 'ticketing-write (write)'],
      secrets: ['governed/dev/incident-triage/gateway-api-key', 'ticketing/agent-api-token-Q1w2E3'],
      tenants: ['acme'],
    });
  });

  test('models of the services: a Bedrock model, a SageMaker endpoint and image, a governed service called through the gateway', async () => {
    const { identities } = await inventory(path.join(outdir, 'stacks', 'product-dev'));
    const models = Object.fromEntries(identities.map((i) => [i.workload, i.models]));
    expect(models).toEqual({
      'fraud-scoring': ['image:123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', 'sagemaker-endpoint:dev-fraud-scoring'],
      'legacy-classifier': ['image:ghcr.io/example/legacy-classifier@sha256:1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d'],
      'support-chat': ['bedrock:anthropic.claude-3-haiku-20240307-v1:0'],
      'ticket-summarizer': ['image:ghcr.io/example/summarizer@sha256:9b2a4c3f7e8d1a0b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b', 'service:support-chat'],
    });
  });
});

describe('inventory --due with a pinned today', () => {
  const examples = () => path.join(outdir, 'stacks', 'agents-dev');

  test('exits 0 when no review-by date is within the window', async () => {
    const r = await inventory(outdir, '--due', '30d', '--today', '2026-11-22');
    expect([r.code, r.reviewsDue]).toEqual([EXIT.passed, false]);
  });
  test('exits 1 when a review-by date is within the window, and names the approver to ask', async () => {
    const r = await cli('inventory', examples(), '--due', '30d', '--today', '2027-02-10');
    expect(r.code).toBe(EXIT.failed);
    expect(r.stdout).toContain('| dev | incident-triage | 2027-02-28 | 18 | sam.ortiz@example.com | due |');
  });
  test('the window is inclusive: a review due today is due', async () => {
    const r = await inventory(examples(), '--due', '0d', '--today', '2027-02-28');
    expect([r.code, r.identities.find((i) => i.workload === 'incident-triage')!.review]).toEqual([EXIT.failed, 'due']);
  });
  test('a date just outside the window is not due', async () => {
    const r = await inventory(examples(), '--due', '17d', '--today', '2027-02-10');
    expect([r.code, r.identities.map((i) => `${i.workload} ${i.review}`)]).toEqual([EXIT.passed, ['incident-triage ok', 'triage-prototype ok']]);
  });
  test('exits 1 when a review-by date has passed, counting the days overdue', async () => {
    const r = await inventory(examples(), '--due', '30d', '--today', '2027-03-03');
    expect(r.identities.find((i) => i.workload === 'incident-triage')).toMatchObject({ review: 'overdue', daysLeft: -3 });
    expect(r.code).toBe(EXIT.failed);
  });
  test('without --due the inventory is information: exit 0 even when reviews are overdue', async () => {
    expect((await inventory(examples(), '--today', '2027-12-31')).code).toBe(EXIT.passed);
  });
  test('the same answer on the real state', async () => {
    const r = await inventory(state('agents-dev'), '--due', '30d', '--today', '2027-02-10');
    expect([r.code, r.identities.filter((i) => i.review === 'due').map((i) => i.workload)]).toEqual([EXIT.failed, ['incident-triage', 'triage-prototype']]);
  });
});

describe('ungoverned identities are listed apart, never dropped', () => {
  function withUngoverned(): string {
    const file = path.join(scratch, 'hand-made.cdk.tf.json');
    const json = synthJson({
      stackName: 'hand-made',
      defaultTags: {},
      resource: {
        aws_iam_role: {
          tagged: { name: 'dev-chat', assume_role_policy: '{}', tags: GOVERNANCE_TAGS },
          bare: { name: 'legacy-batch', assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) },
          partial: { name: 'half-done', assume_role_policy: '{}', tags: { [TAG_KEYS.owner]: 'ml-platform' } },
        },
        aws_iam_user: { u: { name: 'ci-deployer' } },
      },
    });
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  }

  test('a role without governance tags and an IAM user appear as ungoverned, with what they lack', async () => {
    const r = await inventory(withUngoverned());
    expect(r.identities.map((i) => i.workload)).toEqual(['value-of-workload']);
    expect(r.ungoverned.map((u) => [u.name, u.missingTags.length, u.missingTags[0]])).toEqual([
      ['legacy-batch', 8, TAG_KEYS.owner],
      ['half-done', 7, TAG_KEYS.accountable],
      ['ci-deployer', 9, 'an IAM user is never a governed identity'],
    ]);
  });
  test('--due fails on an ungoverned identity even when every date is fine', async () => {
    const r = await cli('inventory', withUngoverned(), '--due', '30d', '--today', '2026-11-22');
    expect(r.code).toBe(EXIT.failed);
    expect(r.stdout).toMatch(/## Ungoverned identities[\s\S]*\| aws_iam_role \| legacy-batch \| hand-made \| aws_iam_role\.bare \| governance:owner, /);
  });
});

describe('inventory formats', () => {
  test('CSV: a header, one row per identity, lists separated by ";"', async () => {
    const r = await cli('inventory', path.join(outdir, 'stacks', 'product-dev'), '--format', 'csv', '--today', '2026-11-22');
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.find((l) => l.includes(',support-chat,'))).toBe(
      'yes,dev,support-chat,inference-service,customer-support,maria.chen@example.com,sam.ortiz@example.com,secops-oncall@example.com,2027-03-31,129,ok,confidential,acme;globex,bedrock:anthropic.claude-3-haiku-20240307-v1:0,,,no,,,,dev-euw1-support-chat-gw,,' +
        path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'),
    );
  });
  test('CSV: quotes fields with commas and neutralises formulas (OWASP CSV injection)', async () => {
    const file = path.join(scratch, 'formula.cdk.tf.json');
    const tags = { ...GOVERNANCE_TAGS, [TAG_KEYS.owner]: '=HYPERLINK("http://x")', [TAG_KEYS.revokedBy]: 'a@b.co', [TAG_KEYS.revokedAt]: '2026-11-01T00:00:00Z', [TAG_KEYS.revokedReason]: 'leak, INC-1' };
    fs.writeFileSync(file, JSON.stringify(synthJson({ stackName: 'f', defaultTags: {}, resource: { aws_iam_role: { r: { name: 'x', assume_role_policy: '{}', tags } } } })));
    const row = (await cli('inventory', file, '--format', 'csv')).stdout.split('\r\n')[1];
    expect(row).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(row).toContain(',yes,a@b.co,2026-11-01T00:00:00Z,"leak, INC-1",');
  });
  test('JSON: the tool, the day counted from, the window and every identity', async () => {
    const json = JSON.parse((await cli('inventory', outdir, '--format', 'json', '--due', '45d', '--today', '2026-11-22')).stdout);
    expect([json.tool, json.command, json.today, json.windowDays, json.dueCheck, json.identities.length, json.sources.length]).toEqual(['cdktf-ai-governance', 'inventory', '2026-11-22', 45, true, 8, 4]);
  });
  test('Markdown: the identities, the reviews due, the ungoverned and the inputs', async () => {
    const md = (await cli('inventory', outdir, '--today', '2026-11-22')).stdout;
    expect(md.match(/^## .*/gm)).toEqual([
      '## Governed identities',
      '## Due for review (within 30 days, overdue, or without a date)',
      '## Ungoverned identities',
      '## What each identity can touch',
      '## Inputs',
    ]);
  });
  test('-o writes the inventory to a file', async () => {
    const file = path.join(scratch, 'inventory.csv');
    const r = await cli('inventory', outdir, '--format', 'csv', '-o', file);
    expect([r.code, r.stdout, fs.readFileSync(file, 'utf8').split('\r\n')[0]]).toEqual([EXIT.passed, '', CSV_COLUMNS.join(',')]);
  });
});

describe('inventory bad input', () => {
  test('fails with exit 2 when --due is not a number of days', async () => {
    const r = await cli('inventory', outdir, '--due', '30');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/option '--due <window>' argument '30' is invalid\. expected a number of days like "30d", got "30"/)]);
  });
  test('fails with exit 2 when --today is not a date', async () => {
    const r = await cli('inventory', outdir, '--today', '2027-02-30');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/expected a date YYYY-MM-DD, got "2027-02-30"/)]);
  });
  test('fails with exit 2 on a raw terraform.tfstate, with the command that makes the JSON', async () => {
    const file = path.join(scratch, 'terraform.tfstate');
    fs.writeFileSync(file, JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'x', outputs: {}, resources: [] }));
    const r = await cli('inventory', file);
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, `cdktf-ai-governance: ${file} is a raw terraform.tfstate file. Pass what \`terraform show -json > state.json\` prints for it (run in the stack's directory).\n`]);
  });
  test('fails with exit 2 on a misshapen state', async () => {
    const file = path.join(scratch, 'bad.state.json');
    fs.writeFileSync(file, JSON.stringify({ format_version: '1.0', values: { root_module: { resources: 'none' } } }));
    const r = await cli('inventory', file);
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/bad\.state\.json: not a well-formed Terraform state: planned_values\.root_module\.resources must be a list, got string "none"/)]);
  });
  test('fails with exit 2 when a path does not exist, naming it', async () => {
    const r = await cli('inventory', outdir, path.join(scratch, 'missing'));
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringContaining(`${path.join(scratch, 'missing')} does not exist`)]);
  });
  test('an empty state is an input with no identity, not an error', async () => {
    const file = path.join(scratch, 'empty.state.json');
    fs.writeFileSync(file, JSON.stringify({ format_version: '1.0' }));
    const r = await inventory(file);
    expect([r.code, r.identities, r.ungoverned]).toEqual([EXIT.passed, [], []]);
  });
});
