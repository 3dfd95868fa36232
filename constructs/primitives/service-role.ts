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
  /** Pins the role to the one resource of that service acting with it; ArnLike. */
  readonly sourceArn?: string;
  readonly statements: readonly PolicyStatement[];
  readonly tags: Record<string, string>;
}

/**
 * A platform role an AWS service assumes (rotation function, invocation logging, gateway
 * integrations): trust narrowed to one service in one account and, where the service sends it,
 * one source ARN (the confused-deputy guard); one-hour sessions; one inline policy of named actions.
 */
export class ServiceRole extends Construct {
  public readonly role: IamRole;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const condition: NonNullable<PolicyStatement['Condition']> = { StringEquals: { 'aws:SourceAccount': props.accountId } };
    if (props.sourceArn) condition.ArnLike = { 'aws:SourceArn': props.sourceArn };
    this.role = new IamRole(this, 'role', {
      name: props.name,
      path: props.path,
      assumeRolePolicy: policyJson([
        { Sid: sid('Trust', props.service.split('.')[0]), Effect: 'Allow', Principal: { Service: props.service }, Action: [...STS_ASSUME], Condition: condition },
      ]),
      maxSessionDuration: MAX_SESSION_SECONDS,
      forceDetachPolicies: true,
      tags: props.tags,
    });
    this.roleArn = this.role.arn;
    new IamRolePolicy(this, 'policy', { name: 'permissions', role: this.role.id, policy: policyJson(props.statements) });
  }
}
