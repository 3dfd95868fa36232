import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KMS_ADMIN } from '../governance/iam-actions';
import { policyJson } from '../governance/policy-document';

/** A person who may approve sensitive tool actions, and the IAM principal that proves it is them. */
export interface Approver {
  /** The approver's e-mail, as tool grants name them (`approval.approvers`). */
  readonly email: string;
  /**
   * The IAM principal only this approver can act as (an IAM Identity Center permission-set role
   * assigned to that person alone, or a role only their approval tooling can assume): the only
   * principal allowed to sign with the approver's key.
   */
  readonly principalArn: string;
}

export interface ApproverKeysProps {
  readonly envName: string;
  readonly accountId: string;
  readonly approvers: readonly Approver[];
  /** The gateway function's role: verifies signatures, never signs. */
  readonly verifierRoleArn: string;
  readonly deletionWindowDays: number;
  readonly preventDestroy: boolean;
  readonly tags: Record<string, string>;
}

/** The alias of one approver's key: `alias/governed/<env>/approvers/<e-mail with @ as -at->`. */
export function approverKeyAlias(envName: string, email: string): string {
  return `alias/governed/${envName}/approvers/${email.replace('@', '-at-').replace(/[^A-Za-z0-9/_-]/g, '-')}`;
}

/**
 * One asymmetric signing key (ECC NIST P-256) per registered approver (SECURITY.md, decision 6).
 * Only that approver's principal may `kms:Sign`; the gateway function may `kms:Verify`; the account
 * administers the key but cannot sign with it. An approval is then proven by something only the
 * approver holds, not by a key shared with the agent's owners.
 */
export class ApproverKeys extends Construct {
  /** Approver e-mail (lower case) → key ARN. */
  public readonly keyArns: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: ApproverKeysProps) {
    super(scope, id);
    const root = `arn:aws:iam::${props.accountId}:root`;
    for (const approver of props.approvers) {
      const email = approver.email.toLowerCase();
      const keyId = email.replace(/[^a-z0-9]+/g, '-');
      const key = new KmsKey(this, `key-${keyId}`, {
        description: `Signs ${email}'s approvals of sensitive tool actions in ${props.envName}`,
        keyUsage: 'SIGN_VERIFY',
        customerMasterKeySpec: 'ECC_NIST_P256',
        deletionWindowInDays: props.deletionWindowDays,
        policy: policyJson([
          // Administration without the use: kms:Sign is not in KMS_ADMIN, so no IAM policy of the
          // account can grant signing (a key policy must allow a use for IAM policies to grant it).
          { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: root }, Action: KMS_ADMIN.filter((a) => a !== 'kms:CreateGrant'), Resource: '*' },
          { Sid: 'OnlyTheApproverSigns', Effect: 'Allow', Principal: { AWS: approver.principalArn }, Action: ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey'], Resource: '*' },
          {
            // The account with a condition on the caller's ARN, not the role as principal: KMS
            // refuses a key policy naming a role that does not exist yet, and the keys must exist
            // before the role, whose permission boundary names them. The role's own policy (and
            // boundary) must allow kms:Verify too, and KMS_ADMIN above grants no use, so no other
            // principal of the account can verify (or sign) with the key.
            Sid: 'GatewayVerifies',
            Effect: 'Allow',
            Principal: { AWS: root },
            Action: ['kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey'],
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': props.verifierRoleArn } },
          },
        ]),
        tags: { ...props.tags, 'governance:approver-of': email },
        lifecycle: { preventDestroy: props.preventDestroy },
      });
      new KmsAlias(this, `alias-${keyId}`, { name: approverKeyAlias(props.envName, email), targetKeyId: key.keyId });
      this.keyArns[email] = key.arn;
    }
  }
}
