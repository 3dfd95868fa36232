import { isUnresolved, type ProblemCollector } from './errors';

/**
 * Names the library derives, and the AWS limits they must fit. IAM names are unique per account
 * across every Region, so every IAM name carries the Region as a short code (`dev-euw1-...`): the
 * same environment name in two Regions of one account never collides. Other names are per Region
 * and carry the environment only.
 */

/** Short codes of Region name parts: `eu-west-1` → `euw1`, `ap-southeast-2` → `apse2`, `us-gov-west-1` → `usgw1`. */
const DIRECTION_CODES: Readonly<Record<string, string>> = {
  east: 'e', west: 'w', north: 'n', south: 's', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
  gov: 'g', iso: 'i', isob: 'ib', isoe: 'ie', isof: 'if',
};

/**
 * The short code of a Region used in IAM names. Deterministic and unique across the published
 * Regions (`eu-central-1` euc1, `eu-central-2` euc2, `us-east-1` use1, `us-gov-east-1` usge1).
 * @throws Error when the value is not a Region name (callers validate the Region first)
 */
export function regionCode(region: string): string {
  const parts = region.split('-');
  if (parts.length < 3 || !/^\d+$/.test(parts[parts.length - 1])) throw new Error(`not an AWS Region name: ${JSON.stringify(region)}`);
  const middle = parts.slice(1, -1).map((p) => DIRECTION_CODES[p] ?? p[0]);
  return `${parts[0]}${middle.join('')}${parts[parts.length - 1]}`;
}

/** The prefix of every IAM name of one environment in one Region: `<env>-<region code>-`. */
export function iamNamePrefix(environment: string, region: string): string {
  return `${environment}-${regionCode(region)}-`;
}

/** Suffix of a workload's integration identity (the gateway function acts with it). */
export const INTEGRATION_SUFFIX = '-gw';
/** Suffix of an agent's Bedrock agent service role. */
export const BEDROCK_AGENT_SUFFIX = '-bedrock';
/** Prefix of the platform's own IAM names after the environment prefix: `dev-euw1-platform-rotation`. */
export const PLATFORM_NAME = 'platform';

/**
 * Workload names a team may not take: `platform` and names starting `platform-` (the platform's
 * own IAM names are `<prefix>platform-...`), and names ending in a derived suffix (a workload
 * `x-gw` would collide with workload `x`'s integration identity).
 */
export function reservedWorkloadName(name: string): string | undefined {
  if (name === PLATFORM_NAME || name.startsWith(`${PLATFORM_NAME}-`)) return `"${PLATFORM_NAME}" and names starting "${PLATFORM_NAME}-" are the platform's`;
  for (const suffix of [INTEGRATION_SUFFIX, BEDROCK_AGENT_SUFFIX]) {
    if (name.endsWith(suffix)) return `names ending "${suffix}" are derived identities of another workload`;
  }
  return undefined;
}

/**
 * Length limits of the names the library derives, with their sources.
 * - IAM role name 64: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 * - IAM managed policy name 128: same page
 * - Lambda function name 64: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
 * - SageMaker endpoint, endpoint configuration and model names 63:
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html
 * - Secrets Manager secret name 512 (the name prefix leaves 26 characters for the suffix Terraform
 *   adds): https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 * - CloudWatch Logs log group name 512: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 * - SSM parameter name 1011 (including the path): https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 * - DynamoDB table name 255: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 * - KMS alias name 256: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
 * - Security group name 255: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
 */
export const NAME_LIMITS = {
  iamRole: 64,
  iamPolicy: 128,
  lambdaFunction: 64,
  sageMaker: 63,
  secretNamePrefix: 512 - 26,
  logGroup: 512,
  ssmParameter: 1011,
  dynamoDbTable: 255,
  kmsAlias: 256,
  securityGroup: 255,
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

/**
 * Checks one derived name against its AWS limit. The problem names the derived name, its length,
 * the limit and which input to shorten, so a name that would fail `terraform validate` or apply
 * fails synth instead.
 */
export function checkDerivedName(problems: ProblemCollector, prop: string, input: unknown, kind: NameKind, derived: string, what: string): void {
  if (isUnresolved(derived)) return;
  const limit = NAME_LIMITS[kind];
  problems.check(
    derived.length <= limit,
    prop,
    input,
    `a value whose ${what} "${derived}" fits AWS's limit of ${limit} characters (it has ${derived.length})`,
    `shorten ${prop} by at least ${derived.length - limit} characters`,
  );
}
