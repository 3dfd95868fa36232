import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { GovernanceCheckFailed, GovernedApp } from '../../constructs/policy-engine/governed-app';
import { Governance } from '../../constructs/policy-engine/governance';
import { GovernanceReport } from '../../constructs/policy-engine/report';
import { GOVERNANCE_TAGS, NOW, policy } from './fixtures';

const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });

function makeApp(options: { sessionSeconds?: number; warn?: (m: string) => void; hclOutput?: boolean } = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'governed-app-'));
  const app = new GovernedApp({ outdir, now: NOW, warn: options.warn ?? (() => undefined), hclOutput: options.hclOutput });
  const stack = new TerraformStack(app, 'platform-dev');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: GOVERNANCE_TAGS }] });
  new KmsKey(stack, 'key', { enableKeyRotation: true, description: 'environment key' });
  const role = new IamRole(stack, 'role', { name: 'batch', assumeRolePolicy: TRUST, maxSessionDuration: options.sessionSeconds ?? 3600 });
  return { app, stack, role, outdir, stackDir: path.join(outdir, 'stacks', 'platform-dev') };
}

describe('GovernedApp', () => {
  test('writes governance.json next to cdk.tf.json when the stack passes', () => {
    const { app, stackDir } = makeApp();
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, 'governance.json'), 'utf8')) as GovernanceReport;
    expect(report.summary).toEqual({ resources: 2, errors: 0, warnings: 0, excepted: 0, passed: true });
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(true);
  });
  test('writes governance.md next to cdk.tf.json', () => {
    const { app, stackDir } = makeApp();
    app.synth();
    expect(fs.readFileSync(path.join(stackDir, 'governance.md'), 'utf8')).toMatch(/^# Governance report: platform-dev\n/);
  });
  test('synthesizes each stack once (the rules read the JSON cdktf wrote)', () => {
    const spy = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    const { app } = makeApp();
    app.synth();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
  test('fails synth with rule id, construct path, address, message and fix', () => {
    const { app } = makeApp({ sessionSeconds: 7200 });
    expect(() => app.synth()).toThrow(
      /\[RoleSessionAtMostOneHour\] platform-dev: platform-dev\/role \(aws_iam_role\.role\): max_session_duration 7200 is more than 3600 seconds\n {4}fix: Remove max_session_duration/,
    );
  });
  test('fails synth as a GovernanceCheckFailed carrying the evaluations', () => {
    const { app } = makeApp({ sessionSeconds: 7200 });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GovernanceCheckFailed);
    expect((error as GovernanceCheckFailed).evaluations[0].errors.map((f) => f.ruleId)).toEqual(['RoleSessionAtMostOneHour']);
  });
  test('on failure withdraws cdk.tf.json and manifest.json so no apply can pick them up', () => {
    const { app, outdir, stackDir } = makeApp({ sessionSeconds: 7200 });
    expect(() => app.synth()).toThrow(GovernanceCheckFailed);
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
  });
  test('on failure still writes the report that explains it', () => {
    const { app, stackDir } = makeApp({ sessionSeconds: 7200 });
    expect(() => app.synth()).toThrow(GovernanceCheckFailed);
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, 'governance.json'), 'utf8')) as GovernanceReport;
    expect(report.summary.passed).toBe(false);
  });
  test('on failure leaves other files (local state) in the stack directory alone', () => {
    const { app, stackDir } = makeApp({ sessionSeconds: 7200 });
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(path.join(stackDir, 'terraform.platform-dev.tfstate'), '{}');
    expect(() => app.synth()).toThrow(GovernanceCheckFailed);
    expect(fs.existsSync(path.join(stackDir, 'terraform.platform-dev.tfstate'))).toBe(true);
  });
  test('an exception lets synth pass and appears in the report', () => {
    const { app, role, stackDir } = makeApp({ sessionSeconds: 7200 });
    Governance.except(role, { ruleId: 'RoleSessionAtMostOneHour', reason: 'two hour batch jobs until they are split', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-9' }, NOW);
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(stackDir, 'governance.json'), 'utf8')) as GovernanceReport;
    expect(report.exceptions).toEqual([expect.objectContaining({ ruleId: 'RoleSessionAtMostOneHour', state: 'active', covered: 1 })]);
  });
  test('fails synth when an exception has expired', () => {
    const { app, role } = makeApp({ sessionSeconds: 7200 });
    Governance.except(role, { ruleId: 'RoleSessionAtMostOneHour', reason: 'two hour batch jobs until they are split', approver: 'sec', expires: '2026-11-01', ticket: 'SEC-9' }, NOW);
    expect(() => app.synth()).toThrow(/\[ExceptionExpired\] platform-dev: platform-dev\/role \(-\): exception for RoleSessionAtMostOneHour expired on 2026-11-01/);
  });
  test('fails synth when an exception names a rule id that does not exist, with the valid ids and the nearest match', () => {
    const { app, role, stackDir } = makeApp();
    Governance.except(role, { ruleId: 'SagemakerEndpointDataCapture', reason: 'capture is configured by the platform team later', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-9' }, NOW);
    expect(() => app.synth()).toThrow(
      /Invalid governance props at 'platform-dev\/role' \(1 problem\):\n {2}- ruleId: got "SagemakerEndpointDataCapture"; allowed: one of the rule ids: GovernanceTags, .*SageMakerEndpointDataCapture, .*; fix: use "SageMakerEndpointDataCapture" \(the nearest rule id\)/,
    );
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(false);
  });
  test('prints warnings (stale exception) without failing', () => {
    const warnings: string[] = [];
    const { app, role } = makeApp({ warn: (m) => warnings.push(m) });
    Governance.except(role, { ruleId: 'RoleSessionAtMostOneHour', reason: 'two hour batch jobs until they are split', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-9' }, NOW);
    app.synth();
    expect(warnings.join('\n')).toMatch(/\[ExceptionStale\] platform-dev: platform-dev\/role/);
  });
  test('checks stacks synthesized as HCL too', () => {
    const { app } = makeApp({ sessionSeconds: 7200, hclOutput: true });
    expect(() => app.synth()).toThrow(/\[RoleSessionAtMostOneHour\]/);
  });
});

describe('GovernedApp and the governance:today context', () => {
  test('reads "today" from the governance:today context when no date is given', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'governed-app-'));
    const app = new GovernedApp({ outdir, warn: () => undefined, context: { 'governance:today': '2027-07-01' } });
    const stack = new TerraformStack(app, 'platform-dev');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: GOVERNANCE_TAGS }] });
    new KmsKey(stack, 'key', { enableKeyRotation: true });
    // The fixtures' review-by (2027-02-01) has passed on 2027-07-01.
    expect(() => app.synth()).toThrow(/\[GovernanceTags\] platform-dev: platform-dev\/key \(aws_kms_key\.key\): governance:review-by 2027-02-01 has passed/);
  });
});
