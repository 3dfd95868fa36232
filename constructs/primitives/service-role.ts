import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { STS_ASSUME } from '../governance/iam-actions';
import { policyJson, sid, type PolicyStatement } from '../governance/policy-document';
import { MAX_SESSION_SECONDS } from './workload-identity';

export interface ServiceRoleProps {
  readonly name: string;
  readonly path: string;
  /** The AWS service that assumes the role (`lambda.amazonaws.com`). */
  readonly service: string;
  readonly accountId: string;
  /**
   * Pins the role to the one resource of that service acting with it (the confused-deputy guard).
   * An exact ARN wherever the service sends one; a pattern only where AWS documents one.
   * @default - source account only, for services that send no source ARN
   */
  readonly sourceArn?: string;
  /** The boundary the role carries: every role the library creates has one. */
  readonly permissionsBoundary: string;
  readonly statements: readonly PolicyStatement[];
  readonly tags: Record<string, string>;
}

/**
 * A platform role an AWS service assumes (gateway function, rotation function, the account's
 * logging roles): trust narrowed to one service in one account and, where the service sends it,
 * one source ARN (the confused-deputy guard); one-hour sessions; the platform boundary; one
 * inline policy of named actions.
 */
export class ServiceRole extends Construct {
  public readonly role: IamRole;
  public readonly roleArn: string;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const condition: NonNullable<PolicyStatement['Condition']> = { StringEquals: { 'aws:SourceAccount': props.accountId } };
    // ArnEquals for an exact ARN: a reviewer (and the rules) can see that nothing else matches.
    if (props.sourceArn) {
      if (props.sourceArn.includes('*')) condition.ArnLike = { 'aws:SourceArn': props.sourceArn };
      else condition.ArnEquals = { 'aws:SourceArn': props.sourceArn };
    }
    this.role = new IamRole(this, 'role', {
      name: props.name,
      path: props.path,
      assumeRolePolicy: policyJson([
        { Sid: sid('Trust', props.service.split('.')[0]), Effect: 'Allow', Principal: { Service: props.service }, Action: [...STS_ASSUME], Condition: condition },
      ]),
      maxSessionDuration: MAX_SESSION_SECONDS,
      permissionsBoundary: props.permissionsBoundary,
      forceDetachPolicies: true,
      tags: props.tags,
    });
    this.roleArn = this.role.arn;
    this.statements = [...props.statements];
    // Lazy: statements added after construction (a resource created later) land in the same document.
    new IamRolePolicy(this, 'policy', { name: 'permissions', role: this.role.id, policy: Lazy.stringValue({ produce: () => policyJson(this.statements) }) });
  }

  /** Adds statements to the role's one inline policy. */
  addStatements(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
  }
}
