/**
 * What moto 5.2.1 cannot apply or re-plan cleanly with the AWS provider 5.100.0, measured on this
 * machine (see shared EMULATOR.md). Each entry says why. The e2e tier applies around these with
 * `-target` and prints every resource left out: the example itself is never changed.
 */
import { referencesIn, type Block, type TerraformJson } from './terraform-json';

/** The secret a rotation or version refers to (`${aws_secretsmanager_secret.x.id}` -> address). */
function secretOf(body: Record<string, unknown>): string | undefined {
  const m = /\$\{(aws_secretsmanager_secret\.[A-Za-z0-9_-]+)\./.exec(String(body.secret_id ?? ''));
  return m?.[1];
}

/** True when the stack writes no version of the rotated secret (the rotation function writes the first one). */
function rotatesSecretWithoutVersion(body: Record<string, unknown>, json: TerraformJson): boolean {
  const secret = secretOf(body);
  const versions = Object.values(json.resource?.aws_secretsmanager_secret_version ?? {});
  return secret !== undefined && !versions.some((v) => referencesIn(v, new Set([secret])).size > 0);
}

export interface EmulatorGap {
  /** Resource (or data source) types the gap applies to; a trailing `*` is a prefix match. */
  types: string[];
  mode?: 'managed' | 'data';
  /** Only when the block looks like this (e.g. a REST API with an inline policy), given the whole stack. */
  when?: (body: Record<string, unknown>, json: TerraformJson) => boolean;
  reason: string;
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  { types: ['aws_eks_pod_identity_association'], reason: 'moto does not serve the EKS Pod Identity API (HTML 404)' },
  { types: ['aws_verifiedpermissions_*'], reason: 'moto does not serve Amazon Verified Permissions' },
  { types: ['aws_cloudwatch_log_data_protection_policy'], reason: 'moto does not serve CloudWatch Logs data protection policies' },
  { types: ['aws_bedrock_guardrail', 'aws_bedrock_guardrail_version'], reason: 'moto does not serve Bedrock guardrails' },
  { types: ['aws_budgets_budget', 'aws_budgets_budget_action'], reason: 'moto does not serve Budgets ListTagsForResource' },
  {
    types: ['aws_api_gateway_client_certificate'],
    reason: 'moto does not serve API Gateway client certificates (GenerateClientCertificate answers HTTP 404 "Not yet implemented")',
  },
  {
    types: ['aws_api_gateway_rest_api_policy'],
    reason: "moto returns the REST API policy unescaped; the provider fails on refresh (invalid character 'S')",
  },
  {
    types: ['aws_api_gateway_rest_api'],
    when: (body) => body.policy !== undefined && body.policy !== null && body.policy !== '',
    reason: "REST API with an inline policy: moto returns it unescaped; the provider fails on refresh (invalid character 'S')",
  },
  {
    types: ['aws_secretsmanager_secret_rotation'],
    when: rotatesSecretWithoutVersion,
    reason: "moto's RotateSecret fails (HTTP 500, UnboundLocalError new_version_id) on a secret with no version yet; AWS lets the rotation function write the first one",
  },
  {
    types: ['aws_sagemaker_model', 'aws_sagemaker_endpoint_configuration'],
    reason: 'moto echoes vpc_config / data_capture_config back empty, so a second plan wants to replace it (drift is the emulator, not the example)',
  },
];

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/** The reason a block cannot be applied against moto, or undefined when it can. */
export function emulatorGapFor(block: Block, json: TerraformJson = {}, gaps: readonly EmulatorGap[] = EMULATOR_GAPS): string | undefined {
  for (const gap of gaps) {
    if (gap.mode && gap.mode !== block.mode) continue;
    if (!gap.types.some((t) => typeMatches(t, block.type))) continue;
    if (gap.when && !gap.when(block.body, json)) continue;
    return gap.reason;
  }
  return undefined;
}

/**
 * Attributes moto accepts but does not return on read, so the provider sees a difference on the
 * second plan although nothing changed. Measured with moto 5.2.1 (its source confirms each one).
 * Only an in-place update whose every changed attribute is listed here is tolerated; anything
 * else on the second plan fails.
 */
export const EMULATOR_ECHO_GAPS: ReadonlyArray<{ type: string; attributes: string[]; reason: string }> = [
  { type: 'aws_kms_key', attributes: ['rotation_period_in_days'], reason: 'moto GetKeyRotationStatus returns no RotationPeriodInDays' },
  { type: 'aws_lambda_function', attributes: ['kms_key_arn', 'logging_config'], reason: 'moto GetFunction returns no KMSKeyArn or LoggingConfig' },
  { type: 'aws_api_gateway_rest_api', attributes: ['binary_media_types'], reason: 'moto CreateRestApi drops binaryMediaTypes and GetRestApi returns none' },
  { type: 'aws_api_gateway_integration', attributes: ['connection_id'], reason: 'moto GetIntegration returns no connectionId (VPC link integrations)' },
  {
    type: 'aws_api_gateway_stage',
    attributes: ['client_certificate_id'],
    reason: 'moto has no client certificates: CreateStage drops clientCertificateId and GetStage returns none',
  },
];

/**
 * Resources moto applies and re-plans cleanly but whose effect it does not emulate. They are
 * applied (Terraform's side is verified) and each is printed, so nobody reads the apply as proof
 * of the effect.
 */
export const EMULATED_WITHOUT_EFFECT: ReadonlyArray<{ type: string; note: string }> = [
  {
    type: 'aws_lambda_invocation',
    note: "moto runs Lambda without Docker: Invoke returns the input and the function's code does not run, so what the invocation does (revoking gateway keys) is not verified here",
  },
];

export interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[]; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
}

export interface ChangeVerdict {
  address: string;
  actions: string[];
  attributes: string[];
  /** Why it is tolerated; undefined when it is a real change. */
  tolerated?: string;
}

/** Classifies the changes of a second plan: emulator echo gaps are tolerated, everything else is not. */
export function classifyChanges(changes: readonly ResourceChange[]): ChangeVerdict[] {
  const verdicts: ChangeVerdict[] = [];
  for (const rc of changes) {
    const actions = rc.change.actions;
    if (actions.every((a) => a === 'no-op' || a === 'read')) continue;
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(rc.change.after_unknown ?? {})]);
    const attributes = [...keys].filter(
      (k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null) || rc.change.after_unknown?.[k] === true,
    );
    const gap = EMULATOR_ECHO_GAPS.find((g) => g.type === rc.type);
    const tolerated =
      actions.length === 1 && actions[0] === 'update' && gap && attributes.length > 0 && attributes.every((a) => gap.attributes.includes(a)) ? gap.reason : undefined;
    verdicts.push({ address: rc.address, actions, attributes, tolerated });
  }
  return verdicts;
}
