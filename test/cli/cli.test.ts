import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, run } from '../../cli/main';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GOVERNANCE_TAGS, NOW, planJson, policy, synthJson } from '../governance/fixtures';

// A workload identity's runtime (WorkloadIdentityTrust): a SageMaker endpoint pinned by source account and ARN.
const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:sagemaker:eu-west-1:1:endpoint/chat' } } });

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: NOW });
  return { code, stdout, stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'governance-cli-'));
}

/** A cdktf.out with a manifest and one stack per entry. */
function cdktfOut(stacks: Record<string, Record<string, unknown>>): string {
  const dir = tmp();
  const manifest: Record<string, unknown> = { version: '0.21.0', stacks: {} };
  for (const [name, json] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
    (manifest.stacks as Record<string, unknown>)[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const passing = synthJson({ stackName: 'platform-dev', resource: { aws_kms_key: { key: { enable_key_rotation: true } } } });
const failing = synthJson({
  stackName: 'product-dev',
  exceptions: [{ ruleId: 'RoleSessionAtMostOneHour', reason: 'two hour batch jobs until they are split', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-9', constructPath: 'product-dev/batch' }],
  resource: {
    aws_iam_access_key: { key: { user: 'bot' } },
    aws_iam_role: { batch: { name: 'batch', assume_role_policy: TRUST, max_session_duration: 7200 } },
  },
});

describe('check', () => {
  test('exits 0 and says passed when every stack passes', async () => {
    const r = await cli('check', cdktfOut({ 'platform-dev': passing }));
    expect([r.code, r.stdout.split('\n')[0]]).toEqual([EXIT.passed, '# Governance check: passed (1 stacks)']);
  });
  test('exits 1 when a stack has an error finding', async () => {
    const r = await cli('check', cdktfOut({ 'platform-dev': passing, 'product-dev': failing }));
    expect(r.code).toBe(EXIT.failed);
  });
  test('markdown lists the finding with construct path, address, message and fix', async () => {
    const r = await cli('check', cdktfOut({ 'product-dev': failing }));
    expect(r.stdout).toMatch(/\| error \| NoIamUsers \| product-dev\/key \| aws_iam_access_key\.key \| aws_iam_access_key creates or grants a long-lived IAM user credential \| Replace the user/);
  });
  test('markdown lists exceptions with approver, ticket and expiry', async () => {
    const r = await cli('check', cdktfOut({ 'product-dev': failing }));
    expect(r.stdout).toMatch(/- \*\*RoleSessionAtMostOneHour\*\* on `product-dev\/batch`: active, expires 2027-01-01, approved by sec \(SEC-9\)/);
  });
  test('json output has one report per stack', async () => {
    const r = await cli('check', cdktfOut({ 'platform-dev': passing, 'product-dev': failing }), '--format', 'json');
    const json = JSON.parse(r.stdout);
    expect([json.tool, json.command, json.passed, json.stacks.map((s: { stack: string }) => s.stack)]).toEqual(['cdktf-ai-governance', 'check', false, ['platform-dev', 'product-dev']]);
  });
  test('sarif output follows the SARIF 2.1.0 shape', async () => {
    const dir = cdktfOut({ 'product-dev': failing });
    const sarif = JSON.parse((await cli('check', dir, '--format', 'sarif')).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].tool.driver).toMatchObject({ name: 'cdktf-ai-governance', version: '0.1.0' });
    expect(sarif.runs[0].tool.driver.rules).toContainEqual(
      expect.objectContaining({ id: 'NoIamUsers', shortDescription: { text: expect.any(String) }, defaultConfiguration: { level: 'error' } }),
    );
  });
  test('sarif results carry rule, level, file and logical location', async () => {
    const dir = cdktfOut({ 'product-dev': failing });
    const sarif = JSON.parse((await cli('check', dir, '--format', 'sarif')).stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'NoIamUsers');
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules[result.ruleIndex].id).toBe('NoIamUsers');
    expect(result).toMatchObject({
      level: 'error',
      message: { text: expect.stringMatching(/long-lived IAM user credential/) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: path.join(dir, 'stacks/product-dev/cdk.tf.json') } },
          logicalLocations: [{ name: 'aws_iam_access_key.key', fullyQualifiedName: 'product-dev/key', kind: 'resource' }],
        },
      ],
    });
  });
  test('sarif marks an excepted finding as suppressed with the justification', async () => {
    const sarif = JSON.parse((await cli('check', cdktfOut({ 'product-dev': failing }), '--format', 'sarif')).stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'RoleSessionAtMostOneHour');
    expect(result.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'two hour batch jobs until they are split (approved by sec, SEC-9, expires 2027-01-01)' },
    ]);
  });
  test('--write-reports writes governance.json and governance.md into each stack directory', async () => {
    const dir = cdktfOut({ 'platform-dev': passing });
    await cli('check', dir, '--write-reports');
    expect(['governance.json', 'governance.md'].map((f) => fs.existsSync(path.join(dir, 'stacks/platform-dev', f)))).toEqual([true, true]);
  });
  test('--output writes to a file instead of stdout', async () => {
    const out = path.join(tmp(), 'result.json');
    const r = await cli('check', cdktfOut({ 'platform-dev': passing }), '--format', 'json', '--output', out);
    expect([r.stdout, JSON.parse(fs.readFileSync(out, 'utf8')).passed]).toEqual(['', true]);
  });
  test('accepts a stack directory without a manifest', async () => {
    const dir = cdktfOut({ 'platform-dev': passing });
    fs.rmSync(path.join(dir, 'manifest.json'));
    const r = await cli('check', dir);
    expect(r.code).toBe(EXIT.passed);
  });
  test('fails with exit 2 when the directory does not exist', async () => {
    const r = await cli('check', '/nonexistent/cdktf.out');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/\/nonexistent\/cdktf\.out does not exist\. Run `cdktf synth`/)]);
  });
  test('fails with exit 2 when the directory holds no stack', async () => {
    const r = await cli('check', tmp());
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/holds no synthesized stack/)]);
  });
  test('fails with exit 2 on malformed cdk.tf.json, naming the file', async () => {
    const dir = cdktfOut({ 'platform-dev': passing });
    fs.writeFileSync(path.join(dir, 'stacks/platform-dev/cdk.tf.json'), '{"resource": ');
    const r = await cli('check', dir);
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/stacks\/platform-dev\/cdk\.tf\.json is not valid JSON/)]);
  });
  test('fails with exit 2 on an unknown format', async () => {
    const r = await cli('check', cdktfOut({ 'platform-dev': passing }), '--format', 'xml');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/argument 'xml' is invalid/)]);
  });
});

function planFile(plan: unknown): string {
  const file = path.join(tmp(), 'plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

const before = { name: 'chat', path: '/governed/dev/', assume_role_policy: TRUST, permissions_boundary: 'arn:b', tags_all: GOVERNANCE_TAGS };
const reviewPlan = planJson([
  { address: 'aws_iam_role.chat', values: { ...before, tags_all: { ...GOVERNANCE_TAGS, [TAG_KEYS.owner]: 'new-team' } }, before },
  {
    address: 'aws_iam_role_policy.tools',
    values: { role: 'chat', policy: policy({ Sid: 'ToolAccess', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }) },
    before: { role: 'chat', policy: policy({ Sid: 'ToolAccess', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:s' }) },
  },
]);

describe('review', () => {
  test('exits 1 when the planned configuration has an error finding', async () => {
    const r = await cli('review', planFile(reviewPlan));
    expect(r.code).toBe(EXIT.failed);
  });
  test('lists permissions added and removed per role', async () => {
    const r = await cli('review', planFile(reviewPlan));
    expect(r.stdout).toMatch(/### `aws_iam_role\.chat`\n\n- added: Allow secretsmanager:GetSecretValue on \*\n- removed: Allow secretsmanager:GetSecretValue on arn:s/);
  });
  test('lists governance tags changed', async () => {
    const r = await cli('review', planFile(reviewPlan));
    expect(r.stdout).toContain(`- \`aws_iam_role.chat\` governance:owner: ${GOVERNANCE_TAGS[TAG_KEYS.owner]} → new-team`);
  });
  test('lists findings the plan introduces as weakened or exposed', async () => {
    const json = JSON.parse((await cli('review', planFile(reviewPlan), '--format', 'json')).stdout);
    expect(json.diff.introduced.map((f: { ruleId: string; address: string }) => `${f.ruleId} ${f.address}`)).toEqual([
      'NoWildcardResourcesOnDataActions aws_iam_role_policy.tools',
    ]);
  });
  test('json output carries the diff and the report', async () => {
    const json = JSON.parse((await cli('review', planFile(reviewPlan), '--format', 'json')).stdout);
    expect([json.command, json.passed, json.report.input, json.diff.changes.length]).toEqual(['review', false, 'plan', 2]);
  });
  test('sarif output points at the plan file', async () => {
    const file = planFile(reviewPlan);
    const sarif = JSON.parse((await cli('review', file, '--format', 'sarif')).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(file);
  });
  test('--synth adds construct paths and the exceptions this change adds', async () => {
    const synthDir = cdktfOut({
      'product-dev': synthJson({
        stackName: 'product-dev',
        exceptions: [{ ruleId: 'NoWildcardResourcesOnDataActions', reason: 'tool reads every secret during migration', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-10', constructPath: 'product-dev/tools' }],
        resource: { aws_iam_role_policy: { tools: { role: 'chat', policy: '{}' } } },
      }),
    });
    const r = await cli('review', planFile(reviewPlan), '--synth', path.join(synthDir, 'stacks/product-dev'));
    expect([r.code, r.stdout]).toEqual([EXIT.passed, expect.stringMatching(/## Exceptions added\n\n- \*\*NoWildcardResourcesOnDataActions\*\* on `product-dev\/tools` until 2027-01-01/)]);
  });
  test('fails with exit 2 on malformed JSON', async () => {
    const file = path.join(tmp(), 'plan.json');
    fs.writeFileSync(file, '{"format_version": "1.2",');
    const r = await cli('review', file);
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/plan\.json is not valid JSON/)]);
  });
  test('fails with exit 2 when given a cdk.tf.json instead of a plan', async () => {
    const r = await cli('review', planFile(passing));
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/is not a Terraform plan: expected the output of `terraform show -json <planfile>`/)]);
  });
  test('fails with exit 2 when the plan argument is missing', async () => {
    const r = await cli('review');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/missing required argument 'plan.json'/)]);
  });
});

describe('the installed bin', () => {
  test('runs as a process and exits with the check result', () => {
    const bin = path.join(__dirname, '../../cli/bin.ts');
    const result = spawnSync(process.execPath, ['-r', path.join(__dirname, '../../scripts/swc-register.js'), bin, 'check', cdktfOut({ 'product-dev': failing }), '--format', 'json'], { encoding: 'utf8' });
    expect([result.status, JSON.parse(result.stdout).passed]).toEqual([EXIT.failed, false]);
  });
});

describe('review --strict', () => {
  test('counts cannot-verify findings as errors', async () => {
    const plan = planJson([{ address: 'aws_iam_role.r', values: { name: 'r', assume_role_policy: TRUST, tags_all: GOVERNANCE_TAGS }, unknown: { max_session_duration: true }, references: { max_session_duration: ['aws_ssm_parameter.session.value'] } }]);
    const lenient = await cli('review', planFile(plan));
    const strict = await cli('review', planFile(plan), '--strict');
    expect([lenient.code, strict.code]).toEqual([EXIT.passed, EXIT.failed]);
  });
});

describe('check --strict', () => {
  test('counts cannot-verify findings as errors', async () => {
    const json = synthJson({ stackName: 'x', resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: TRUST, max_session_duration: '${var.session}' } } } });
    const dir = cdktfOut({ x: json });
    expect([(await cli('check', dir)).code, (await cli('check', dir, '--strict')).code]).toEqual([EXIT.passed, EXIT.failed]);
  });
});

describe('review: controls weakened or newly exposed', () => {
  const pabOn = { bucket: 'audit', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
  const weakening = planJson([
    { address: 'aws_kms_key.k', values: { enable_key_rotation: false, tags_all: GOVERNANCE_TAGS }, before: { enable_key_rotation: true, tags_all: GOVERNANCE_TAGS } },
    { address: 'aws_cloudwatch_log_group.l', values: { name: 'l', kms_key_id: null, retention_in_days: 90, tags_all: GOVERNANCE_TAGS }, before: { name: 'l', kms_key_id: 'arn:k', retention_in_days: 90, tags_all: GOVERNANCE_TAGS } },
    { address: 'aws_s3_bucket_public_access_block.p', values: { ...pabOn, restrict_public_buckets: false }, before: pabOn },
    { address: 'aws_s3_bucket.b', values: { bucket: 'audit', tags_all: GOVERNANCE_TAGS }, before: { bucket: 'audit', tags_all: GOVERNANCE_TAGS } },
  ]);
  test('lists rotation turned off, encryption removed and public access opened as introduced findings', async () => {
    const json = JSON.parse((await cli('review', planFile(weakening), '--format', 'json')).stdout);
    expect(json.diff.introduced.map((f: { ruleId: string; address: string }) => `${f.ruleId} ${f.address}`)).toEqual([
      'KmsKeyRotation aws_kms_key.k',
      'LogGroupEncryptedAndRetained aws_cloudwatch_log_group.l',
      'S3BucketPublicAccessBlocked aws_s3_bucket.b',
    ]);
  });
  test('does not list what was already failing before the change', async () => {
    const json = JSON.parse((await cli('review', planFile(weakening), '--format', 'json')).stdout);
    expect(json.diff.introduced.map((f: { ruleId: string }) => f.ruleId)).not.toContain('S3BucketVersioned');
  });
});
