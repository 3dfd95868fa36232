import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, run } from '../../cli/main';
import { contractFile, DEV_CONTRACT_FILE, devContract } from '../platform/contract.support';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with `stdin` as standard input, in a scratch working directory. */
async function cli(argv: string[], stdin?: string, cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-cli-'))): Promise<Result & { cwd: string }> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const io = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s), stdin: stdin === undefined ? undefined : () => stdin };
    const code = await run(argv, io);
    return { code, stdout, stderr, cwd };
  } finally {
    process.chdir(before);
  }
}

/** The SSM parameter's value as `aws ssm get-parameter ... --output text` prints it (compact JSON). */
const ssmValue = (contract: Record<string, unknown> = devContract()) => JSON.stringify(contract);

describe('contract export', () => {
  test('pins the raw SSM parameter value to contracts/<env>.json, keys sorted', async () => {
    const r = await cli(['contract', 'export', '--env', 'dev'], ssmValue());
    expect(r.code).toBe(EXIT.passed);
    expect(fs.readFileSync(path.join(r.cwd, 'contracts', 'dev.json'), 'utf8')).toBe(fs.readFileSync(DEV_CONTRACT_FILE, 'utf8'));
    expect(r.stdout).toBe(`pinned the contract of dev (revision ${String(devContract().revision).slice(0, 12)}) to contracts/dev.json (new file); commit it and synthesize\n`);
  });

  test('pins the platform stack\'s output: terraform output -json contract', async () => {
    const r = await cli(['contract', 'export', '-o', '-'], JSON.stringify(ssmValue()));
    expect(r.code).toBe(EXIT.passed);
    expect(JSON.parse(r.stdout)).toEqual(devContract());
  });

  test('pins the platform stack\'s outputs: terraform output -json', async () => {
    const outputs = { contract: { sensitive: false, type: 'string', value: ssmValue() }, other: { sensitive: false, type: 'string', value: 'x' } };
    const r = await cli(['contract', 'export', '-o', '-'], JSON.stringify(outputs));
    expect(r.code).toBe(EXIT.passed);
    expect(JSON.parse(r.stdout)).toEqual(devContract());
  });

  test('reads a file given as argument and writes where -o says', async () => {
    const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-in-')), 'value.json');
    fs.writeFileSync(input, ssmValue());
    const r = await cli(['contract', 'export', input, '-o', 'pins/dev-contract.json']);
    expect(r.code).toBe(EXIT.passed);
    expect(JSON.parse(fs.readFileSync(path.join(r.cwd, 'pins', 'dev-contract.json'), 'utf8')).revision).toBe(devContract().revision);
  });

  test('names the fields that changed since the last export', async () => {
    const first = await cli(['contract', 'export'], ssmValue());
    const changed = JSON.parse(fs.readFileSync(contractFile({ logRetentionDays: 180, allowedModels: ['amazon.titan-embed-text-v2:0'] }), 'utf8')) as Record<string, unknown>;
    const second = await cli(['contract', 'export'], ssmValue(changed), first.cwd);
    expect(second.stdout).toMatch(/\(changed: allowedModels, logRetentionDays\)/);
  });

  test('keeps fields a newer platform publishes (the revision covers them)', async () => {
    const newer = JSON.parse(fs.readFileSync(contractFile({ approverKeys: ['arn:aws:kms:eu-west-1:123456789012:key/x'] }), 'utf8')) as Record<string, unknown>;
    const r = await cli(['contract', 'export', '-o', '-'], ssmValue(newer));
    expect(r.code).toBe(EXIT.passed);
    expect(JSON.parse(r.stdout).approverKeys).toEqual(['arn:aws:kms:eu-west-1:123456789012:key/x']);
  });

  test('fails when the value was changed after the platform published it', async () => {
    const r = await cli(['contract', 'export'], ssmValue({ ...devContract(), logRetentionDays: 365 }));
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(
      /^cdktf-ai-governance: standard input is not a usable environment contract \(1 problem\):\n {2}- standard input: revision: got "[0-9a-f]{64}"; allowed: the SHA-256 of the contract's own content, [0-9a-f]{64}; fix: the contract was changed after the platform published it: export it again from the live contract instead of editing it\n$/,
    );
    expect(fs.existsSync(path.join(r.cwd, 'contracts'))).toBe(false);
  });

  test('fails when the contract is for another environment than --env', async () => {
    const r = await cli(['contract', 'export', '--env', 'prod'], ssmValue());
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/- standard input: name: got "dev"; allowed: the contract of environment "prod"; fix: pin prod's contract \(\/governance\/prod\/contract\), or target environment "dev"/);
  });

  test('fails when the input is not JSON', async () => {
    const r = await cli(['contract', 'export'], '{"Parameter": ');
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/- standard input: got "\{\\"Parameter\\":"; allowed: the contract as JSON \(.*\); fix: pass the parameter value itself: aws ssm get-parameter \.\.\. --query Parameter\.Value --output text/);
  });

  test('fails when a field is missing or malformed, naming each', async () => {
    const broken = { ...devContract(), region: 'Ireland' } as Record<string, unknown>;
    delete broken.allowedRegions;
    const r = await cli(['contract', 'export'], ssmValue(broken));
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/\(2 problems\)/);
    expect(r.stderr).toMatch(/- standard input: region: got "Ireland"; allowed: an AWS region name like "eu-west-1"; fix: the contract must come from a platform stack's published parameter/);
    expect(r.stderr).toMatch(/- standard input: allowedRegions: got nothing; allowed: a list of AWS region names; fix: the platform stack publishes this field from cdktf-ai-governance of this version on/);
  });

  test('fails when the retention is below the floor', async () => {
    const low = JSON.parse(fs.readFileSync(contractFile({ logRetentionDays: 30 }), 'utf8')) as Record<string, unknown>;
    const r = await cli(['contract', 'export'], ssmValue(low));
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/- standard input: logRetentionDays: got 30; allowed: at least 90 days in dev; fix: ask the platform team \(sam\.ortiz@example\.com\) to set logRetentionDays to 90 or more on the platform stack and apply it, then export the contract again/);
  });

  test('fails when the input file does not exist', async () => {
    const r = await cli(['contract', 'export', 'nope.json']);
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/^cdktf-ai-governance: nope\.json does not exist \(relative paths are read from .*\)\. Pass the file holding the contract, or pipe it in\.\n$/);
  });
});

describe('contract schema', () => {
  test('prints the contract as JSON Schema with every field required', async () => {
    const r = await cli(['contract', 'schema']);
    expect(r.code).toBe(EXIT.passed);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required.sort()).toEqual(Object.keys(devContract()).sort());
  });
});
