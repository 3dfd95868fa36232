import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GOVERNANCE_RULES, ReviewDueSoon } from '../../constructs/policy-engine/rules';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { envProps, PRODUCT_OWNER, serviceProps, TODAY } from '../support';
import { evaluate, GOVERNANCE_TAGS, planStack, synthStack } from './fixtures';

/** NOW is 2026-11-22: review-by dates 0..30 days ahead warn, naming the approver. */
const role = (reviewBy?: string) => ({ aws_iam_role: { r: { name: 'dev-chat', assume_role_policy: '{}', tags: reviewBy === undefined ? {} : { [TAG_KEYS.reviewBy]: reviewBy } } } });

describe('ReviewDueSoon', () => {
  test('is in the default pack, as a warning', () => {
    expect([GOVERNANCE_RULES.includes(ReviewDueSoon), ReviewDueSoon.level]).toEqual([true, 'warning']);
  });
  test('compliant when the review is more than 30 days away', () => {
    expect(evaluate(ReviewDueSoon, synthStack({ resource: role('2026-12-23') }), 'aws_iam_role.r').status).toBe('compliant');
  });
  test('non-compliant (a warning) 30 days before, naming the approver and the workload', () => {
    expect(evaluate(ReviewDueSoon, synthStack({ resource: role('2026-12-22') }), 'aws_iam_role.r')).toEqual({
      status: 'non-compliant',
      message: 'review-by 2026-12-22 is in 30 days: value-of-approver must review this identity\'s access of workload value-of-workload before then',
    });
  });
  test('non-compliant on the day itself', () => {
    expect(evaluate(ReviewDueSoon, synthStack({ resource: role('2026-11-22') }), 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/^review-by 2026-11-22 is today/) });
  });
  test('leaves a past date to GovernanceTags (an error there, not a second finding here)', () => {
    expect(evaluate(ReviewDueSoon, synthStack({ resource: role('2026-11-01') }), 'aws_iam_role.r').status).toBe('compliant');
  });
  test('the same answer on a plan', () => {
    const plan = planStack([{ address: 'aws_iam_role.r', values: { name: 'dev-chat', tags_all: { ...GOVERNANCE_TAGS, [TAG_KEYS.reviewBy]: '2026-12-01' } } }]);
    expect(evaluate(ReviewDueSoon, plan, 'aws_iam_role.r')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/in 9 days: value-of-approver/) });
  });
  test('reads roles only: a workload warns once per identity, not once per resource', () => {
    expect([ReviewDueSoon.appliesTo('aws_iam_role'), ReviewDueSoon.appliesTo('aws_kms_key')]).toEqual([true, false]);
  });
});

describe('synth warns before a review-by date passes', () => {
  test('GovernedApp prints the warning with the approver; synth still succeeds', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-due-'));
    const warnings: string[] = [];
    try {
      const app = new GovernedApp({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY }, warn: (m) => warnings.push(m) });
      const stack = new TerraformStack(app, 'test');
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const env = new GovernedEnvironment(stack, 'env', envProps());
      new GovernedInferenceService(stack, 'svc', serviceProps(env, { owner: { ...PRODUCT_OWNER, approver: 'Sam.Ortiz@Example.com', reviewBy: '2026-12-10' } }));
      app.synth();
      const due = warnings.join('\n').split('\n').filter((l) => l.startsWith('[ReviewDueSoon]'));
      expect(due).toEqual([expect.stringMatching(/^\[ReviewDueSoon\] test: test\/svc\/identity\/role \(aws_iam_role\.svc_identity_role_[0-9A-F]+\): review-by 2026-12-10 is in 18 days: sam\.ortiz@example\.com must review this identity's access of workload chat before then$/)]);
      expect(fs.existsSync(path.join(outdir, 'stacks', 'test', 'cdk.tf.json'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
