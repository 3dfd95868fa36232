/**
 * A small typed IAM policy document. Statements may hold cdktf string tokens (ARNs of resources in
 * the stack); JSON.stringify keeps the token markers, and cdktf resolves them inside the string, so
 * the synthesized JSON holds a readable policy with `${aws_kms_key.x.arn}` references that the rule
 * engine can parse.
 */
export type Principal = { AWS: string | string[] } | { Service: string | string[] } | { Federated: string | string[] } | '*';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[] | boolean>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function policyJson(statements: readonly PolicyStatement[]): string {
  return JSON.stringify(policyDocument(statements));
}

/** A statement id from free text: IAM allows only [A-Za-z0-9]. */
export function sid(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : '')).join(''))
    .join('');
}
