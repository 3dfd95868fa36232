import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import type { Revocation } from '../governance/governance-tags';
import { STS_ASSUME, STS_ASSUME_FOR_POD_IDENTITY } from '../governance/iam-actions';
import { ProblemCollector } from '../governance/errors';
import { checkDerivedName } from '../governance/names';
import { policyJson, sid, type PolicyStatement } from '../governance/policy-document';

/** Where the identity's credentials come from: the one runtime allowed to assume the role. */
export type WorkloadRuntime =
  | {
      /** EKS Pod Identity for one service account in one namespace of the environment's cluster. */
      readonly kind: 'eks-pod-identity';
      readonly clusterArn: string;
      readonly namespace: string;
      readonly serviceAccount: string;
    }
  | {
      /** An AWS service acting for this workload only, pinned by source account and its source ARN(s). */
      readonly kind: 'aws-service';
      readonly service: string;
      /** The exact ARN(s) the service acts for; a pattern only in a name suffix AWS generates. */
      readonly sourceArns: readonly string[];
    }
  | {
      /**
       * The gateway function acting for this workload (an integration identity): trusted only by
       * the function's role, only with a source identity (the verified caller, in CloudTrail).
       */
      readonly kind: 'gateway-integration';
      readonly functionRoleArn: string;
    };

export interface WorkloadIdentityProps {
  readonly environment: IGovernedEnvironment;
  /** Role name after the environment's IAM prefix: the role is `<env>-<region code>-<name>`. */
  readonly name: string;
  readonly runtime: WorkloadRuntime;
  readonly tags: Record<string, string>;
  /**
   * Revoke the identity: an explicit deny of every action, which also covers sessions issued
   * before the revocation.
   * @default - not revoked
   */
  readonly revocation?: Revocation;
}

/** Maximum session: one hour, the shortest AWS allows as a role maximum. */
export const MAX_SESSION_SECONDS = 3600;

/**
 * A workload's own IAM role in one environment: trust narrowed to its runtime, sessions of at
 * most one hour, a permission boundary, under the environment's role path (which endpoint,
 * gateway and key policies match). Workload identities (the runtime's) live under
 * `/governed/<env>/` with the workload boundary; integration identities (what the gateway function
 * acts with) under `/governed/<env>/integration/` with the integration boundary. Permissions are
 * added per concern, one inline policy each, so model access and tool access never share a
 * policy document.
 */
export class WorkloadIdentity extends Construct implements IGrantee {
  public readonly role: IamRole;
  public readonly roleArn: string;
  public readonly roleName: string;
  private readonly concerns = new Map<string, PolicyStatement[]>();

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const env = props.environment;
    const problems = new ProblemCollector(this.node.path);
    const roleName = `${env.iamNamePrefix}${props.name}`;
    checkDerivedName(problems, 'name', props.name, 'iamRole', roleName, 'IAM role name');
    problems.throwIfAny();
    const integration = props.runtime.kind === 'gateway-integration';
    this.role = new IamRole(this, 'role', {
      name: roleName,
      path: integration ? env.integrationRolePath : env.rolePath,
      description: `Governed ${integration ? 'integration' : 'workload'} identity ${props.name} in ${env.name}`,
      assumeRolePolicy: policyJson([trustStatement(env, props.runtime)]),
      maxSessionDuration: MAX_SESSION_SECONDS,
      permissionsBoundary: integration ? env.integrationBoundaryArn : env.permissionBoundaryArn,
      forceDetachPolicies: true,
      tags: props.tags,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    if (props.revocation) this.addRevocation(props.revocation);
  }

  addToPolicy(concern: string, statements: readonly PolicyStatement[]): void {
    let list = this.concerns.get(concern);
    if (!list) {
      list = [];
      this.concerns.set(concern, list);
      const doc = list;
      new IamRolePolicy(this, `policy-${concern}`, {
        name: concern,
        role: this.role.id,
        // Lazy: grants made after this point (grantInvoke, grantRead) land in the same document.
        policy: Lazy.stringValue({ produce: () => policyJson(doc) }),
      });
    }
    list.push(...statements);
  }

  /** Concerns that hold statements, for tests and the report. */
  get policyConcerns(): readonly string[] {
    return [...this.concerns.keys()];
  }

  private addRevocation(revocation: Revocation): void {
    if (revocation.scheduled) {
      // Decided now, in force from `at`: every session, whenever issued, is denied from then on.
      this.addToPolicy('revocation', [
        { Sid: 'RevokedDenyAllFromScheduledTime', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateGreaterThanEquals: { 'aws:CurrentTime': revocation.at } } },
      ]);
      return;
    }
    this.addToPolicy('revocation', [
      // An explicit deny wins over every allow, in every session.
      { Sid: 'RevokedDenyAll', Effect: 'Deny', Action: '*', Resource: '*' },
      // The statement AWS writes to "revoke active sessions": states in its own words that sessions
      // issued before the revocation are denied, for reviewers and policy simulators.
      {
        Sid: 'RevokedDenyEarlierSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': revocation.at } },
      },
    ]);
  }
}

function trustStatement(env: IGovernedEnvironment, runtime: WorkloadRuntime): PolicyStatement {
  if (runtime.kind === 'eks-pod-identity') {
    return {
      Sid: 'EksPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: [...STS_ASSUME_FOR_POD_IDENTITY],
      Condition: {
        StringEquals: {
          'aws:SourceAccount': env.accountId,
          // Pod Identity tags the session with the pod's namespace and service account.
          'aws:RequestTag/kubernetes-namespace': runtime.namespace,
          'aws:RequestTag/kubernetes-service-account': runtime.serviceAccount,
        },
        ArnEquals: { 'aws:SourceArn': runtime.clusterArn },
      },
    };
  }
  if (runtime.kind === 'gateway-integration') {
    return {
      Sid: 'GatewayFunction',
      Effect: 'Allow',
      Principal: { AWS: runtime.functionRoleArn },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      // Every session names the caller it acts for: CloudTrail records it on each action.
      Condition: { Null: { 'sts:SourceIdentity': 'false' } },
    };
  }
  const exact = runtime.sourceArns.every((a) => !a.includes('*'));
  return {
    Sid: sid('Service', runtime.service.split('.')[0]),
    Effect: 'Allow',
    Principal: { Service: runtime.service },
    Action: [...STS_ASSUME],
    Condition: {
      StringEquals: { 'aws:SourceAccount': env.accountId },
      [exact ? 'ArnEquals' : 'ArnLike']: { 'aws:SourceArn': runtime.sourceArns.length === 1 ? runtime.sourceArns[0] : [...runtime.sourceArns] },
    },
  };
}
