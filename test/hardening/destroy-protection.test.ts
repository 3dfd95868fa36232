import { TerraformStack } from 'cdktf';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { platformApp } from '../../examples/platform-app';
import { productApp } from '../../examples/product-app';
import { DIGEST, envProps, resources, serviceProps, synth, testApp, testStack, type TfJson } from '../support';

/**
 * Destroy protection: what holds data or proves identity (the environment key, approvers' signing
 * keys, the audit archive, secrets, the approvals table) survives a mistaken destroy or
 * replacement. Production: 30-day windows, object lock in COMPLIANCE mode, deletion protection and
 * Terraform prevent_destroy. Elsewhere: shorter windows, but never zero (no immediate deletion).
 */
let platformProd: TfJson;
let platformDev: TfJson;
beforeAll(() => {
  const { prod, dev } = platformApp(testApp());
  platformProd = synth(prod);
  platformDev = synth(dev);
});

const kubernetesModel = { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } };

/**
 * A stack with an environment named `envName` and two Kubernetes services, one calling the other:
 * each has its service token, the caller its own gateway key too.
 */
function workloadIn(envName: string, tier: 'production' | 'non-production' = 'non-production'): TfJson {
  const stack = testStack();
  const env = new GovernedEnvironment(stack, 'env', envProps({ name: envName, tier, logRetentionDays: 731 }));
  const svc = new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: kubernetesModel }));
  svc.grantInvoke(new GovernedInferenceService(stack, 'caller', serviceProps(env, { name: 'caller', model: kubernetesModel })));
  return synth(stack);
}

/** The environment's own key (not the approvers' signing keys). */
const kmsKeys = (json: TfJson) => resources(json, 'aws_kms_key').filter(([n]) => n.startsWith('environment_key_') || n.startsWith('env_key_')).map(([, k]) => k);
const approverKeys = (json: TfJson) => resources(json, 'aws_kms_key').filter(([n]) => n.includes('_approvers_key-')).map(([, k]) => k);
const archives = (json: TfJson) => resources(json, 'aws_s3_bucket').map(([, b]) => b);
const secrets = (json: TfJson) => resources(json, 'aws_secretsmanager_secret').map(([, s]) => s);

describe('the environment key', () => {
  test('in the prod example: 30-day deletion window and prevent_destroy', () => {
    expect(kmsKeys(platformProd).map((k) => [k.deletion_window_in_days, k.lifecycle?.prevent_destroy])).toEqual([[30, true]]);
  });
  test('in the dev example: 7-day deletion window (the shortest AWS allows, never immediate), no prevent_destroy', () => {
    expect(kmsKeys(platformDev).map((k) => [k.deletion_window_in_days, k.lifecycle?.prevent_destroy ?? false])).toEqual([[7, false]]);
  });
  test('an environment of the production tier whose name does not say so is protected too', () => {
    expect(kmsKeys(workloadIn('payments', 'production')).map((k) => [k.deletion_window_in_days, k.lifecycle?.prevent_destroy])).toEqual([[30, true]]);
  });
});

describe("approvers' signing keys", () => {
  test('in the prod example: one per registered approver, 30-day deletion window and prevent_destroy', () => {
    expect(approverKeys(platformProd).map((k) => [k.tags['governance:approver-of'], k.deletion_window_in_days, k.lifecycle?.prevent_destroy])).toEqual([
      ['incident-commander@example.com', 30, true],
      ['sre-lead@example.com', 30, true],
    ]);
  });
  test('in the dev example: 7-day deletion window, no prevent_destroy', () => {
    expect(approverKeys(platformDev).map((k) => [k.deletion_window_in_days, k.lifecycle?.prevent_destroy ?? false])).toEqual([[7, false], [7, false]]);
  });
});

describe('the approvals table (single use of approvals)', () => {
  const table = (json: TfJson) => resources(json, 'aws_dynamodb_table').map(([, t]) => [t.deletion_protection_enabled, t.point_in_time_recovery?.enabled]);
  test('in the prod example: deletion protection and point-in-time recovery', () => {
    expect(table(platformProd)).toEqual([[true, true]]);
  });
  test('in the dev example: point-in-time recovery, no deletion protection', () => {
    expect(table(platformDev)).toEqual([[false, true]]);
  });
});

describe('the audit archive', () => {
  test('in the prod example: object lock on, force_destroy off, prevent_destroy', () => {
    expect(archives(platformProd).map((b) => [b.object_lock_enabled, b.force_destroy, b.lifecycle?.prevent_destroy])).toEqual([[true, false, true]]);
  });
  test('in the prod example: COMPLIANCE lock for the whole retention (nobody can shorten it)', () => {
    const lock = resources(platformProd, 'aws_s3_bucket_object_lock_configuration').map(([, l]) => l.rule.default_retention);
    expect(lock).toEqual([{ mode: 'COMPLIANCE', days: 731 }]);
  });
  test('in the dev example: still object-locked and never force-destroyed', () => {
    expect(archives(platformDev).map((b) => [b.object_lock_enabled, b.force_destroy])).toEqual([[true, false]]);
    expect(resources(platformDev, 'aws_s3_bucket_object_lock_configuration').map(([, l]) => l.rule.default_retention.mode)).toEqual(['GOVERNANCE']);
  });
});

describe('secrets', () => {
  test('in a prod environment: 30-day recovery window and prevent_destroy on every secret', () => {
    const prod = secrets(workloadIn('prod', 'production'));
    expect(prod.map((s) => s.name_prefix).sort()).toEqual(['governed/prod/caller/gateway-api-key-', 'governed/prod/caller/service-token-', 'governed/prod/chat/service-token-']);
    expect(prod.map((s) => [s.recovery_window_in_days, s.lifecycle?.prevent_destroy])).toEqual([[30, true], [30, true], [30, true]]);
  });
  test('in a non-prod environment: 7-day recovery window, no prevent_destroy', () => {
    expect(secrets(workloadIn('staging')).map((s) => [s.recovery_window_in_days, s.lifecycle?.prevent_destroy ?? false])).toEqual([[7, false], [7, false], [7, false]]);
  });
  test('in the product example (dev, from the contract): the recovery window is the one the platform published, never a literal 0', () => {
    const product = synth(productApp(testApp()));
    const windows = secrets(product).map((s) => s.recovery_window_in_days);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows) expect(w).toMatch(/secretRecoveryDays/);
  });
  test('in a product stack targeting prod through its contract: prevent_destroy', () => {
    const stack = new TerraformStack(testApp(), 'product-prod');
    const env = GovernedEnvironment.fromContract(stack, 'env', 'prod', { kubernetes: 'from-contract' });
    new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: kubernetesModel }));
    expect(secrets(synth(stack)).map((s) => [s.name_prefix, s.lifecycle?.prevent_destroy])).toEqual([['governed/prod/chat/service-token-', true]]);
  });
  test('the platform publishes 30 days for prod and 7 elsewhere in its contract, never 0', () => {
    const recovery = (json: TfJson) => resources(json, 'aws_ssm_parameter').map(([, p]) => /"secretRecoveryDays"\s*=\s*(\d+)/.exec(p.value)?.[1]);
    expect(recovery(platformProd)).toEqual(['30']);
    expect(recovery(platformDev)).toEqual(['7']);
  });
});
