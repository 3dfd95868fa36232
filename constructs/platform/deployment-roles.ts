import { Lazy, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ProblemCollector } from '../governance/errors';
import { policyJson, type PolicyStatement } from '../governance/policy-document';
import { workloadClaims } from '../governance/workload-registry';
import { MAX_SESSION_SECONDS } from '../primitives/workload-identity';
import { trustStatement } from './ci-identities';
import {
  deployerBoundary, longestFacts, MANAGED_POLICY_CHARACTERS, platformFences, policyCharacters, POLICY_CONCERNS, teamPolicies, type DeploymentFacts,
} from './deployment-role-policy';
import {
  ciIdentitiesOf, claimsOutsideTeams, deploymentRoleName, deploymentRolePath, validateDeploymentTeams, type DeploymentTeam, type StateBackend,
} from './deployment-teams';

/**
 * Name of the platform stack's Terraform output that hands each team its deployment role: a map of
 * team slug to role ARN (`terraform output -json deployment-roles`).
 */
export const DEPLOYMENT_ROLES_OUTPUT = 'deployment-roles';

export interface DeploymentRolesProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly teams: readonly DeploymentTeam[];
  /** @default - no state statements */
  readonly stateBackend?: StateBackend;
  /** @default - no Kubernetes: no Pod Identity statements */
  readonly kubernetesClusterName?: string;
  readonly tags: Record<string, string>;
}

/**
 * One deployment role per product team in one environment (delegated administration): the team's
 * CI identity assumes it and applies the team's workload stacks with it. The role may create,
 * change and delete only its own workloads' roles (with the environment's boundaries, under
 * `/governed/<env>/`), secrets, route entries, log groups and runtimes, tagged with its team; it
 * can never change a boundary or write what the platform owns. Roles live under
 * `/governed-deploy/<env>/`, named `<prefix>platform-deploy-<team>`, with one-hour sessions and
 * the deployer boundary.
 *
 * Created in two steps: the roles first, their permissions once the environment's pieces exist
 * ({@link DeploymentRoles.grantEnvironment}). The environment key names the roles by
 * `aws:PrincipalArn` ({@link DeploymentRoles.literalRoleArns}), so the boundary names the key.
 *
 * @throws GovernanceValidationError for a bad team list (unknown CI identity form, duplicate team,
 *   invalid slug, overlapping names)
 */
export class DeploymentRoles extends Construct {
  /** Role ARN per team slug (Terraform references: what depends on them waits for the roles). */
  public readonly roleArns: Readonly<Record<string, string>>;
  /** The same ARNs as literals from account, path and name (for policies that must not wait for the roles: the key's). */
  public readonly literalRoleArns: readonly string[];
  public readonly roles: Readonly<Record<string, IamRole>>;
  private facts?: DeploymentFacts;

  constructor(scope: Construct, id: string, props: DeploymentRolesProps) {
    super(scope, id);
    validateDeploymentTeams(this.node.path, props.teams, props.iamNamePrefix, props.stateBackend);
    checkPolicySizes(this.node.path, props);
    const path = deploymentRolePath(props.envName);
    const facts = () => {
      if (!this.facts) throw new Error(`${this.node.path}: grantEnvironment() was not called; the deployment roles have no permissions`);
      return this.facts;
    };
    const lazyPolicy = (produce: () => PolicyStatement[]) => Lazy.stringValue({ produce: () => policyJson(produce()) });

    const boundary = new IamPolicy(this, 'boundary', {
      name: `${props.iamNamePrefix}platform-deployer-boundary`,
      path,
      description: `Permission boundary of the product teams' deployment roles in ${props.envName}`,
      policy: lazyPolicy(() => deployerBoundary(facts())),
      tags: props.tags,
    });
    const fences = new IamPolicy(this, 'fences', {
      name: `${props.iamNamePrefix}platform-deploy-fences`,
      path,
      description: `What no deployment role of ${props.envName} may do: the platform's resources and boundaries`,
      policy: lazyPolicy(() => platformFences(facts())),
      tags: props.tags,
    });

    const roles: Record<string, IamRole> = {};
    const arns: Record<string, string> = {};
    for (const team of props.teams) {
      const teamScope = new Construct(this, team.team);
      const role = new IamRole(teamScope, 'role', {
        name: deploymentRoleName(props.iamNamePrefix, team.team),
        path,
        description: `Deploys team ${team.team}'s workload stacks into ${props.envName}`,
        assumeRolePolicy: policyJson(ciIdentitiesOf(team).map((ci, i) => trustStatement(ci, props.accountId, String(i)))),
        maxSessionDuration: MAX_SESSION_SECONDS,
        permissionsBoundary: boundary.arn,
        forceDetachPolicies: true,
        tags: { ...props.tags, 'governance:deploys-for': team.team },
      });
      roles[team.team] = role;
      arns[team.team] = role.arn;
      new IamRolePolicyAttachment(teamScope, 'fences', { role: role.name, policyArn: fences.arn });
      for (const concern of POLICY_CONCERNS) {
        const policy = new IamPolicy(teamScope, concern, {
          name: `${deploymentRoleName(props.iamNamePrefix, team.team)}-${concern}`,
          path,
          description: `Team ${team.team} in ${props.envName}: ${concern}`,
          policy: lazyPolicy(() => teamPolicies(team, facts())[concern]),
          tags: props.tags,
        });
        new IamRolePolicyAttachment(teamScope, `${concern}-attachment`, { role: role.name, policyArn: policy.arn });
      }
    }
    this.roles = roles;
    this.roleArns = arns;
    this.literalRoleArns = props.teams.map((t) => `arn:aws:iam::${props.accountId}:role${path}${deploymentRoleName(props.iamNamePrefix, t.team)}`);
    // The handover: the platform team gives each team's CI its role ARN from this output.
    const output = new TerraformOutput(this, 'output', {
      value: arns,
      description: `Deployment role ARN per product team in ${props.envName}: configure it in the team's CI (README: "Deployment roles for product teams")`,
    });
    output.overrideLogicalId(DEPLOYMENT_ROLES_OUTPUT);

    // Workloads of the same app deployed into this environment must belong to a listed team and use
    // a name it owns: the role would be denied at apply, so synth says so first.
    this.node.addValidation({
      validate: () => [
        ...(this.facts ? [] : [`${this.node.path}: grantEnvironment() was not called; the deployment roles have no permissions`]),
        ...claimsOutsideTeams(props.envName, props.teams, workloadClaims(this)),
      ],
    });
  }

  /** Gives the roles their permissions, from the environment's pieces (call once, when they exist). */
  grantEnvironment(facts: DeploymentFacts): void {
    if (this.facts) throw new Error(`${this.node.path}: grantEnvironment() was already called`);
    this.facts = facts;
  }
}

/**
 * Every managed policy must fit IAM's 6,144 characters once Terraform fills in the ARNs: checked at
 * synth with the longest plausible ARNs, so a team with many workloads fails here, not at apply.
 */
function checkPolicySizes(path: string, props: DeploymentRolesProps): void {
  const problems = new ProblemCollector(path);
  const facts = longestFacts(props.envName, props.region, props.iamNamePrefix, props.stateBackend, props.kubernetesClusterName);
  props.teams.forEach((team, i) => {
    const policies = teamPolicies(team, facts);
    for (const concern of POLICY_CONCERNS) {
      const size = policyCharacters(policies[concern]);
      problems.check(
        size <= MANAGED_POLICY_CHARACTERS,
        `deploymentTeams[${i}].workloads`,
        team.workloads,
        `names whose ${concern} policy fits IAM's ${MANAGED_POLICY_CHARACTERS} characters (it would have up to ${size})`,
        'give the team a workloadPrefix its workload names share instead of listing every name, or split the team',
      );
    }
  });
  for (const [what, statements] of [['deployer boundary', deployerBoundary(facts)], ['platform fences', platformFences(facts)]] as const) {
    const size = policyCharacters(statements);
    problems.check(size <= MANAGED_POLICY_CHARACTERS, 'envName', props.envName, `an environment whose ${what} fits IAM's ${MANAGED_POLICY_CHARACTERS} characters (it would have up to ${size})`, 'report this: the library\'s own policy grew too large');
  }
  problems.throwIfAny();
}
