import { functionModule } from '../package-files';

/** The shape of functions/secret-rotation/strategy.js. */
export interface RotationStrategyModule {
  readonly ROTATION_TAG_KEYS: { readonly strategy: string; readonly quotaTier: string; readonly keyOwnerSecret: string; readonly keyVersion: string };
  readonly ROTATION_STRATEGIES: { readonly generatedToken: 'generated-token'; readonly apiGatewayKey: 'api-gateway-key' };
}

const { ROTATION_TAG_KEYS } = functionModule<RotationStrategyModule>('secret-rotation', 'strategy.js');

/**
 * The contract between rotating secrets and the environment's rotation function: the secret's tags
 * tell the function how to make a new value. The function's directory owns the keys (it ships
 * alone as the Lambda asset); the constructs read them from there.
 */
export const ROTATION_STRATEGY_TAG = ROTATION_TAG_KEYS.strategy;
/** On a caller's gateway-key secret: the quota tier whose usage plan its keys go on (the function maps it to a plan; a tag never names a plan). */
export const QUOTA_TIER_TAG = ROTATION_TAG_KEYS.quotaTier;

/** `generated-token`: a random token. `api-gateway-key`: a new gateway API key on the workload's usage plan. */
export type RotationStrategy = 'generated-token' | 'api-gateway-key';

/** Longest rotation period the library accepts (days). */
export const MAX_ROTATION_DAYS = 90;

/** The rotation function's role: `<env>-<region code>-platform-rotation` (IAM names are account-wide). */
export function rotationRoleName(iamNamePrefix: string): string {
  return `${iamNamePrefix}platform-rotation`;
}

/** The rotation function (a per-Region name). */
export function rotationFunctionName(envName: string): string {
  return `governed-${envName}-secret-rotation`;
}

/**
 * Platform roles (gateway function, rotation, the account's logging roles) live under their own
 * path, apart from workload roles: they carry the platform boundary, and endpoint and gateway
 * policies that match workload roles by path never match them.
 */
export function platformRolePath(envName: string): string {
  return `/governed-platform/${envName}/`;
}
