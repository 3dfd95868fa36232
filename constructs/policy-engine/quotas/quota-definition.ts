import type { StackModel, TfResource } from '../terraform-json';

/**
 * The shapes of the service quota model: what a quota is (one row of the table in quota-table.ts),
 * where a quota applies (its scope), and how one resource of a checked stack counts against it.
 */

/**
 * What one quota instance belongs to. AWS counts `account-region` quotas per account and Region,
 * `account` quotas per account (IAM is global), and the others per API, API key, role, security
 * group, KMS key, policy or VPC.
 */
export type QuotaScope = 'api' | 'api-key' | 'role' | 'security-group' | 'kms-key' | 'policy' | 'vpc' | 'account-region' | 'account';

/** The unit `used` and `limit` are in. */
export type QuotaUnit = 'count' | 'characters' | 'bytes' | 'concurrent executions';

/** One resource (or one of its parts) as the place a quota is consumed: an account, a Region, an API. */
export interface ScopeInstance {
  /** Groups consumption: two resources count against the same instance when their keys are equal. */
  readonly key: string;
  /** For people: `REST API governed-dev (platform-dev: aws_api_gateway_rest_api.api)`. */
  readonly label: string;
  /** The resource that is the instance (the REST API, the role), when it is among the checked stacks. */
  readonly anchor?: StackResource;
  /** Account key (`123456789012`, or `default` when the provider names no account). */
  readonly account: string;
  /** Region, or `unknown Region` when the provider's region is not a literal. */
  readonly region: string;
}

export interface StackResource {
  readonly stack: StackModel;
  readonly resource: TfResource;
}

/** One resource's share of one quota in one scope instance. */
export interface Contribution extends StackResource {
  readonly scope: ScopeInstance;
  /** In the quota's unit. */
  readonly amount: number;
  /**
   * Set when the amount is not exact: a size that counts `${...}` references at the length of the
   * expression (the value is known only at apply), or a policy rendered from a data source.
   */
  readonly estimated?: string;
  /** Why it counts this much, when that is not obvious from the type ("current, previous and pending key"). */
  readonly note?: string;
}

/** A resource whose share could not be measured (a policy that is an expression): never a silent zero. */
export interface Unmeasured extends StackResource {
  readonly scope: ScopeInstance;
  readonly reason: string;
}

/** What a measure reports for the stacks checked together. */
export interface Measurement {
  readonly contributions: readonly Contribution[];
  readonly unmeasured: readonly Unmeasured[];
}

/** The stacks checked together and the helpers measures share (scopes, policy sizes). */
export interface MeasureContext {
  readonly app: readonly StackModel[];
}

/** How a quota is counted from Terraform JSON: a function of the checked stacks. */
export interface Measure {
  /** The resource types it reads (the rule applies to these). */
  readonly types: readonly string[];
  /** One line for the README: which resources count and how they are grouped. */
  readonly description: string;
  measure(context: MeasureContext): Measurement;
}

export interface QuotaDefinition {
  /** Stable id: `<service>.<what>-per-<scope>`; what platforms declare raised quotas under. */
  readonly id: string;
  readonly service: string;
  /** The quota's name as AWS documents it (what to search for in the Service Quotas console). */
  readonly name: string;
  readonly scope: QuotaScope;
  readonly unit: QuotaUnit;
  /** AWS's default value. */
  readonly default: number;
  /** Whether AWS raises it on request. */
  readonly adjustable: boolean;
  /** The highest value AWS documents for an increase, when it documents one. */
  readonly maximum?: number;
  /** The AWS documentation page the numbers come from. */
  readonly source: string;
  /** How to get it raised (or why it cannot be). */
  readonly increase: string;
  /** The design change that avoids the quota: the fix when raising is not possible or not enough. */
  readonly designChange: string;
  readonly measure: Measure;
}
