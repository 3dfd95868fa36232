/**
 * The real-world cases (test/fixtures/cases/rules, a copy of /work/shared/cases/rules): each gives
 * its right verdict, through the same rule pack `check` and `review` run. A case folder without
 * verdicts here fails the suite: a new case cannot be ignored.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluateApp, Finding, RuleOutcome } from '../../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES } from '../../constructs/policy-engine/rules';
import type { StackModel } from '../../constructs/policy-engine/terraform-json';
import { NOW } from '../governance/fixtures';
import { CASES_DIR, caseNames, casePlan, caseSynth } from './cases';

type Status = RuleOutcome['status'];

interface Verdict {
  readonly on: 'synth' | 'plan';
  readonly rule: string;
  readonly address: string;
  readonly status: Status;
  readonly message?: RegExp;
}

/** Status of one rule on one resource: a finding's status, else compliant/not-applicable from the tallies' absence. */
function status(model: StackModel, rule: string, address: string): { status: Status; message?: string } {
  const [evaluation] = evaluateApp([model], GOVERNANCE_RULES, { now: NOW });
  const finding: Finding | undefined = evaluation.findings.find((f) => f.ruleId === rule && f.address === address);
  if (finding) return { status: finding.status, message: finding.message };
  const resource = model.byAddress(address);
  if (!resource) throw new Error(`${model.stackName} has no ${address}`);
  const r = GOVERNANCE_RULES.find((x) => x.id === rule)!;
  return { status: r.appliesTo(resource.type) ? r.evaluate(resource, { stack: model, app: [model], now: NOW }).status : 'not-applicable' };
}

const VERDICTS: Record<string, readonly Verdict[]> = {
  '01-source-policy-documents': [
    { on: 'synth', rule: 'NoWildcardActions', address: 'aws_iam_policy.app', status: 'non-compliant', message: /statement "Everything" allows wildcard actions \*/ },
    { on: 'plan', rule: 'NoWildcardActions', address: 'aws_iam_policy.app', status: 'non-compliant', message: /statement "Everything" allows wildcard actions \*/ },
    { on: 'synth', rule: 'NoWildcardResourcesOnDataActions', address: 'aws_iam_policy.app', status: 'non-compliant' },
  ],
  '04-count-index-relationships-plan': [
    { on: 'plan', rule: 'S3BucketPublicAccessBlocked', address: 'aws_s3_bucket.some[1]', status: 'non-compliant', message: /no aws_s3_bucket_public_access_block refers to this bucket/ },
    { on: 'plan', rule: 'S3BucketPublicAccessBlocked', address: 'aws_s3_bucket.some[0]', status: 'compliant' },
    { on: 'plan', rule: 'S3BucketPublicAccessBlocked', address: 'aws_s3_bucket.all[0]', status: 'compliant' },
    { on: 'plan', rule: 'S3BucketPublicAccessBlocked', address: 'aws_s3_bucket.all[1]', status: 'compliant' },
    { on: 'plan', rule: 'S3BucketPublicAccessBlocked', address: 'module.minimal.aws_s3_bucket.s3_bucket[0]', status: 'compliant' },
    // object_lock_enabled is computed by the provider (never configured): not an object-locked bucket.
    { on: 'plan', rule: 'DeletionRecoverable', address: 'aws_s3_bucket.some[1]', status: 'not-applicable' },
    { on: 'plan', rule: 'DeletionRecoverable', address: 'module.minimal.aws_s3_bucket.s3_bucket[0]', status: 'not-applicable' },
  ],
  '05-notprincipal-allow-trust': [
    { on: 'synth', rule: 'TrustPolicyNarrowed', address: 'aws_iam_role.json_trust', status: 'non-compliant', message: /NotPrincipal \(trusts every principal except AWS arn:aws:iam::111122223333:role\/blocked\)/ },
    { on: 'synth', rule: 'TrustPolicyNarrowed', address: 'aws_iam_role.doc_trust', status: 'non-compliant', message: /NotPrincipal/ },
  ],
  '07-cors-preflight-options': [
    { on: 'synth', rule: 'ApiMethodAuthorized', address: 'aws_api_gateway_method.preflight', status: 'compliant' },
    { on: 'synth', rule: 'ApiMethodAuthorized', address: 'aws_apigatewayv2_route.preflight', status: 'compliant' },
    { on: 'synth', rule: 'ApiMethodAuthorized', address: 'aws_api_gateway_method.get', status: 'compliant' },
  ],
  '11-aws-managed-admin-policy': [
    { on: 'synth', rule: 'NoWildcardActions', address: 'aws_iam_role_policy_attachment.admin', status: 'non-compliant', message: /wildcard actions \*/ },
    { on: 'synth', rule: 'NoWildcardActions', address: 'aws_iam_role.managed_arns', status: 'non-compliant', message: /wildcard actions \*/ },
    { on: 'synth', rule: 'NoWildcardResourcesOnDataActions', address: 'aws_iam_role_policy_attachment.admin', status: 'non-compliant' },
  ],
  '15-secret-value-in-state-plan': [
    { on: 'plan', rule: 'SecretValueNotInState', address: 'aws_ssm_parameter.in_state', status: 'non-compliant', message: /value puts the secret value in Terraform state; use value_wo with value_wo_version/ },
    { on: 'plan', rule: 'SecretValueNotInState', address: 'aws_secretsmanager_secret_version.in_state', status: 'non-compliant', message: /use secret_string_wo/ },
    { on: 'plan', rule: 'SecretValueNotInState', address: 'aws_secretsmanager_secret_version.write_only', status: 'compliant' },
  ],
};

test('the cases directory is there and every case has verdicts', () => {
  expect(fs.existsSync(CASES_DIR)).toBe(true);
  const names = caseNames();
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((n) => !VERDICTS[n])).toEqual([]);
});

describe.each(Object.entries(VERDICTS))('case %s', (name, verdicts) => {
  const models = { synth: () => caseSynth(name), plan: () => casePlan(name) };
  test.each(verdicts.map((v) => [`${v.on}: ${v.rule} ${v.address} is ${v.status}`, v] as const))('%s', (_label, v) => {
    const model = models[v.on]();
    if (!model) throw new Error(`case ${name} has no ${v.on === 'synth' ? 'stack.json' : 'plan.json'}`);
    const got = status(model, v.rule, v.address);
    expect(got.status).toBe(v.status);
    if (v.message) expect(got.message).toMatch(v.message);
  });
});

/** The shared collection the repo copy was made from: /work/shared/cases/rules, or shared/ beside the clone (CI). */
function sharedCasesDir(): string | undefined {
  const candidates = ['/work/shared/cases/rules', path.resolve(__dirname, '..', '..', '..', 'shared', 'cases', 'rules')];
  return candidates.find((d) => fs.existsSync(d));
}

test('the repo copy holds every file of the shared case collection, unchanged', () => {
  const shared = sharedCasesDir();
  if (!shared) throw new Error('the shared case collection /work/shared/cases/rules is missing');
  const files = (dir: string, rel = ''): string[] =>
    fs.readdirSync(path.join(dir, rel)).flatMap((n) => (fs.statSync(path.join(dir, rel, n)).isDirectory() ? files(dir, path.join(rel, n)) : [path.join(rel, n)]));
  const differing = files(shared).filter((f) => !fs.existsSync(path.join(CASES_DIR, f)) || !fs.readFileSync(path.join(CASES_DIR, f)).equals(fs.readFileSync(path.join(shared, f))));
  expect(differing).toEqual([]);
});
