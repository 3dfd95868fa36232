import * as fs from 'fs';
import * as path from 'path';
import { nameClaimsProduction, TIER_CONTROLS, type EnvironmentTier } from '../../constructs/governance/tier';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { DIGEST, envProps, only, resources, serviceProps, synth, testStack, type TfJson } from '../support';

/**
 * The production tier is chosen, never guessed from the name, and every control that differs by
 * tier comes from TIER_CONTROLS. One test per control and tier, on the synthesized JSON, and the
 * README's tier table is the same table.
 */

function environmentOf(tier: EnvironmentTier, name = tier === 'production' ? 'live' : 'sandbox'): { env: GovernedEnvironment; json: TfJson } {
  const stack = testStack();
  const env = new GovernedEnvironment(stack, 'env', envProps({ name, tier }));
  new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: { kubernetes: { image: `ghcr.io/example/llm@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
  return { env, json: synth(stack) };
}

describe.each(['production', 'non-production'] as const)('tier %s', (tier) => {
  const { env, json } = environmentOf(tier);
  const c = TIER_CONTROLS[tier];
  const expected = tier === 'production' ? { days: 30, destroy: true, lock: 'COMPLIANCE', logs: 365 } : { days: 7, destroy: false, lock: 'GOVERNANCE', logs: 90 };

  test('the table says what this tier promises', () => {
    expect([c.keyDeletionWindowDays, c.secretRecoveryDays, c.preventDestroy, c.auditObjectLockMode, c.logRetentionFloorDays]).toEqual([expected.days, expected.days, expected.destroy, expected.lock, expected.logs]);
  });
  test('the environment key: deletion window', () => {
    expect(only(json, 'aws_kms_key', 'env_key').deletion_window_in_days).toBe(expected.days);
  });
  test('the environment key: prevent_destroy', () => {
    expect(only(json, 'aws_kms_key', 'env_key').lifecycle?.prevent_destroy ?? false).toBe(expected.destroy);
  });
  test('the audit archive: object lock mode', () => {
    expect(only(json, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.mode).toBe(expected.lock);
  });
  test('the audit archive: prevent_destroy', () => {
    expect(only(json, 'aws_s3_bucket').lifecycle?.prevent_destroy ?? false).toBe(expected.destroy);
  });
  test('every governed secret: recovery window', () => {
    expect(new Set(resources(json, 'aws_secretsmanager_secret').map(([, s]) => s.recovery_window_in_days))).toEqual(new Set([expected.days]));
  });
  test('every governed secret: prevent_destroy', () => {
    expect(new Set(resources(json, 'aws_secretsmanager_secret').map(([, s]) => s.lifecycle?.prevent_destroy ?? false))).toEqual(new Set([expected.destroy]));
  });
  test('log retention: the default is the floor', () => {
    expect([env.logRetentionDays, ...new Set(resources(json, 'aws_cloudwatch_log_group').map(([, l]) => l.retention_in_days))]).toEqual([expected.logs, expected.logs]);
  });
  test('log retention: nothing below the floor is accepted', () => {
    const below = expected.logs === 365 ? 180 : 60;
    expect(() => new GovernedEnvironment(testStack(), 'env', envProps({ name: 'x', tier, logRetentionDays: below }))).toThrow(new RegExp(`logRetentionDays: got ${below}; allowed: at least ${expected.logs} days`));
  });
  test('isProduction and tier agree', () => {
    expect([env.tier, env.isProduction]).toEqual([tier, tier === 'production']);
  });
});

describe('the name never decides the tier', () => {
  test.each([
    ['prod', true], ['production', true], ['prod-eu', true], ['eu-prod', true], ['production-eu', true], ['prd2', true], ['prod2', true],
    ['preprod', false], ['pre-prod', false], ['nonprod', false], ['non-prod', false], ['product-lab', false], ['dev', false], ['staging', false],
  ])('%s says production: %s', (name, says) => {
    expect(nameClaimsProduction(name)).toBe(says);
  });
  test('an environment whose name says nothing can be production (stronger controls are never refused)', () => {
    expect(environmentOf('production', 'payments').env.isProduction).toBe(true);
  });
  test('"preprod" can be non-production', () => {
    expect(environmentOf('non-production', 'preprod').env.isProduction).toBe(false);
  });
  test('fails when a production name is non-production, with the fix', () => {
    expect(() => new GovernedEnvironment(testStack(), 'env', envProps({ name: 'eu-prod', tier: 'non-production' }))).toThrow(
      /tier: got "non-production"; allowed: 'production' for an environment named "eu-prod" \(the name says production\); fix: set tier: 'production', or rename the environment so its name does not say production/,
    );
  });
  test('fails when the tier is missing, naming what each tier means', () => {
    expect(() => new GovernedEnvironment(testStack(), 'env', envProps({ tier: undefined as never }))).toThrow(/tier: got nothing; allowed: 'production' or 'non-production'; fix: set tier explicitly: 'production' for environments that serve real users/);
  });
});

describe("the README's tier table", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const rows = [
    `| KMS key deletion window | ${TIER_CONTROLS.production.keyDeletionWindowDays} days | ${TIER_CONTROLS['non-production'].keyDeletionWindowDays} days |`,
    `| Secrets Manager recovery window of every governed secret | ${TIER_CONTROLS.production.secretRecoveryDays} days | ${TIER_CONTROLS['non-production'].secretRecoveryDays} days |`,
    `| \`prevent_destroy\` on the key, the audit archive and every governed secret | ${yesNo(TIER_CONTROLS.production.preventDestroy)} | ${yesNo(TIER_CONTROLS['non-production'].preventDestroy)} |`,
    `| Audit archive object lock mode | ${TIER_CONTROLS.production.auditObjectLockMode} | ${TIER_CONTROLS['non-production'].auditObjectLockMode} |`,
    `| Log retention floor (and default) | ${TIER_CONTROLS.production.logRetentionFloorDays} days | ${TIER_CONTROLS['non-production'].logRetentionFloorDays} days |`,
  ];
  test('lists every control of TIER_CONTROLS with the same values', () => {
    for (const row of rows) expect(readme).toContain(row);
    expect(Object.keys(TIER_CONTROLS.production)).toHaveLength(rows.length);
  });
});
