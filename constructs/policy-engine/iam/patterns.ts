import { isUnresolvedValue } from '../terraform-json';

/**
 * Action and resource patterns as IAM matches them: action names are case-insensitive and `*`
 * (any run of characters) and `?` (one character) may stand anywhere in the name; resource ARNs
 * match with the same wildcards, case-sensitively.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */

const ACTION_PATTERNS = new Map<string, RegExp>();

/** True when the action pattern has a wildcard anywhere (`*`, `s3:*`, `s3:Get*`, `*:GetObject`, `s3:Get?bject`). */
export function isWildcardPattern(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Does an IAM action pattern match a concrete action? Case-insensitive, as IAM. */
export function actionMatches(pattern: string, action: string): boolean {
  if (!isWildcardPattern(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  let re = ACTION_PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    ACTION_PATTERNS.set(pattern, re);
  }
  return re.test(action);
}

/**
 * Services whose ARNs name the resource directly after the account (`arn:aws:s3:::bucket/key`,
 * `arn:aws:sqs:region:account:queue`), with no resource-type prefix such as `secret:` or `key/`.
 */
const UNTYPED_ARN_SERVICES = new Set(['s3', 'sqs', 'sns', 'execute-api']);

const BROAD = new Map<string, boolean>();

/**
 * Does a Resource pattern reach every resource of a type (or of every type)? `*`,
 * `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:s3:::*` + `/*`, `arn:aws:kms:*:*:key/` + `*`,
 * `arn:aws:logs:eu-west-1:1:log-group:*` do; a pattern under a named bucket, secret prefix or log
 * group (`arn:aws:s3:::data/` + `*`, `...:secret:app/` + `*`) does not. A reference (`${aws_kms_key.k.arn}`)
 * names one resource.
 */
export function isBroadResource(pattern: string): boolean {
  let broad = BROAD.get(pattern);
  if (broad === undefined) BROAD.set(pattern, (broad = computeBroad(pattern)));
  return broad;
}

const ONLY_WILDCARDS = /^[*?:/]*$/;

function computeBroad(pattern: string): boolean {
  if (isUnresolvedValue(pattern)) return false;
  if (!isWildcardPattern(pattern)) return false;
  const parts = pattern.split(':');
  if (parts[0] !== 'arn') return ONLY_WILDCARDS.test(pattern);
  // `arn:*`, `arn:aws:s3:*`: a wildcard before the resource part matches across colons, so every
  // resource of the service (or of every service) matches.
  if (parts.length < 6) return ONLY_WILDCARDS.test(parts[parts.length - 1]);
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  if (ONLY_WILDCARDS.test(resource)) return true;
  if (isWildcardPattern(service) || UNTYPED_ARN_SERVICES.has(service)) return false;
  // `secret:*`, `key/*`, `log-group:*`, `foundation-model/*`: every resource of that type.
  const typed = /^[A-Za-z0-9_.-]+[:/](.*)$/.exec(resource);
  return typed !== null && ONLY_WILDCARDS.test(typed[1]);
}
