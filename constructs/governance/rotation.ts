import type { IGovernedEnvironment } from './environment';
import { functionModule } from '../package-files';

/** The shape of functions/secret-rotation/strategy.js. */
export interface RotationStrategyModule {
  readonly ROTATION_TAG_KEYS: { readonly strategy: string; readonly usagePlanId: string; readonly keyOwnerSecret: string; readonly keyVersion: string };
  readonly ROTATION_STRATEGIES: { readonly generatedToken: 'generated-token'; readonly apiGatewayKey: 'api-gateway-key' };
}

const { ROTATION_TAG_KEYS } = functionModule<RotationStrategyModule>('secret-rotation', 'strategy.js');

/**
 * The contract between rotating secrets and the environment's rotation function: the secret's tags
 * tell the function how to make a new value. The function's directory owns the keys (it ships
 * alone as the Lambda asset); the constructs read them from there.
 */
export const ROTATION_STRATEGY_TAG = ROTATION_TAG_KEYS.strategy;
export const USAGE_PLAN_TAG = ROTATION_TAG_KEYS.usagePlanId;

/** `generated-token`: a random token. `api-gateway-key`: a new gateway API key on the workload's usage plan. */
export type RotationStrategy = 'generated-token' | 'api-gateway-key';

/** Longest rotation period the library accepts (days). */
export const MAX_ROTATION_DAYS = 90;

export function rotationRoleName(envName: string): string {
  return `${envName}-secret-rotation`;
}

/**
 * Platform roles (rotation, invocation logging, gateway logging) live under their own path, apart
 * from workload roles: they carry no workload boundary, and endpoint and gateway policies that
 * match workload roles by path never match them.
 */
export function platformRolePath(envName: string): string {
  return `/governed-platform/${envName}/`;
}

export function rotationRoleArn(env: IGovernedEnvironment): string {
  return `arn:aws:iam::${env.accountId}:role${platformRolePath(env.name)}${rotationRoleName(env.name)}`;
}
