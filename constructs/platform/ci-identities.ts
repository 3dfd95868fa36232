import type { ProblemCollector } from '../governance/errors';
import type { PolicyStatement } from '../governance/policy-document';

/**
 * The CI identity that may assume a team's deployment role. One of:
 * - `github-actions`: a GitHub Actions job through the account's IAM OIDC provider for
 *   `token.actions.githubusercontent.com`, pinned to one repository and one GitHub environment or
 *   one Git ref (the `sub` claim), with `aud` `sts.amazonaws.com`
 *   (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services);
 * - `gitlab`: a GitLab CI job through the account's IAM OIDC provider for the GitLab host, pinned to
 *   one project and one branch (the `sub` claim `project_path:<group>/<project>:ref_type:branch:ref:<branch>`)
 *   with the audience the job's `id_tokens` sets (https://docs.gitlab.com/ci/cloud_services/aws/);
 * - `role`: an existing IAM role another CI system runs as (a Jenkins or Buildkite agent role), trusted
 *   by exact ARN.
 *
 * The OIDC provider is one per account and issuer, so the platform team creates it once outside the
 * environment stacks (two environments of one account would otherwise both create it).
 */
export type CiIdentity = GitHubActionsIdentity | GitLabIdentity | RoleIdentity;

export interface GitHubActionsIdentity {
  readonly kind: 'github-actions';
  /** `owner/repository`, as GitHub spells it. */
  readonly repository: string;
  /**
   * The GitHub environment the job deploys with (`sub` = `repo:<owner>/<repo>:environment:<name>`):
   * the environment's protection rules (reviewers, branches) then gate the role. One of
   * `environment` and `ref` is required: a role any branch or pull request could assume is refused.
   * @default - none (then `ref` is required)
   */
  readonly environment?: string;
  /**
   * The Git ref the job runs on (`sub` = `repo:<owner>/<repo>:ref:<ref>`), e.g. `refs/heads/main`.
   * @default - none (then `environment` is required)
   */
  readonly ref?: string;
  /**
   * The IAM OIDC provider for `token.actions.githubusercontent.com`.
   * @default - `arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`
   */
  readonly providerArn?: string;
}

export interface GitLabIdentity {
  readonly kind: 'gitlab';
  /** `group/project` (subgroups allowed: `group/sub/project`). */
  readonly projectPath: string;
  /** The protected branch deploys run on, e.g. `main`. */
  readonly branch: string;
  /**
   * The GitLab host whose ID tokens the provider trusts.
   * @default 'gitlab.com'
   */
  readonly host?: string;
  /**
   * The `aud` the job's `id_tokens` sets.
   * @default - `https://<host>`
   */
  readonly audience?: string;
  /**
   * The IAM OIDC provider for the GitLab host.
   * @default - `arn:aws:iam::<account>:oidc-provider/<host>`
   */
  readonly providerArn?: string;
}

export interface RoleIdentity {
  readonly kind: 'role';
  /** The CI system's IAM role, exact (no wildcard): `arn:aws:iam::<account>:role/<path><name>`. */
  readonly roleArn: string;
}

export const CI_IDENTITY_KINDS = ['github-actions', 'gitlab', 'role'] as const;

const GITHUB_REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._ -]{1,255}$/;
const GIT_REF = /^refs\/(heads|tags)\/[A-Za-z0-9._/-]{1,200}$/;
const GITLAB_PROJECT = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*){1,20}$/;
const GITLAB_BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/[a-z0-9.-]+(\/[\w./-]*)?$/;
/** Characters that are wildcards in StringLike and would widen an exact `sub`. */
const WILDCARDS = /[*?]/;

/** Checks one CI identity; `prop` is where it sits in the props (`deploymentTeams[0].ci`). */
export function checkCiIdentity(problems: ProblemCollector, prop: string, ci: CiIdentity | undefined): void {
  const kind = (ci as { kind?: unknown } | undefined)?.kind;
  if (!ci || typeof ci !== 'object' || !CI_IDENTITY_KINDS.includes(kind as CiIdentity['kind'])) {
    problems.add(
      `${prop}.kind`,
      kind,
      `one of ${CI_IDENTITY_KINDS.map((k) => `"${k}"`).join(', ')}`,
      'use { kind: "github-actions", repository, environment }, { kind: "gitlab", projectPath, branch } or { kind: "role", roleArn }',
    );
    return;
  }
  if (ci.kind === 'github-actions') {
    problems.check(typeof ci.repository === 'string' && GITHUB_REPOSITORY.test(ci.repository), `${prop}.repository`, ci.repository, '"owner/repository" without wildcards', 'name the one repository whose workflow deploys, e.g. "example-org/support-chat"');
    problems.check(ci.environment !== undefined || ci.ref !== undefined, `${prop}`, ci, 'a GitHub environment or a Git ref to pin the role to', 'add environment: "dev" (recommended: its protection rules gate the role) or ref: "refs/heads/main"');
    problems.check(ci.environment === undefined || (typeof ci.environment === 'string' && GITHUB_ENVIRONMENT.test(ci.environment) && !WILDCARDS.test(ci.environment)), `${prop}.environment`, ci.environment, 'a GitHub environment name without wildcards', 'name the GitHub environment the deploy job uses');
    problems.check(ci.ref === undefined || (typeof ci.ref === 'string' && GIT_REF.test(ci.ref)), `${prop}.ref`, ci.ref, 'a full ref like "refs/heads/main", without wildcards', 'name the protected branch or tag the deploy job runs on');
    problems.check(ci.environment === undefined || ci.ref === undefined, `${prop}`, ci, 'environment or ref, not both (GitHub puts only the environment in sub when a job has one)', 'keep environment and pin the branch in the GitHub environment\'s deployment branch rule');
    checkProviderArn(problems, prop, ci.providerArn);
  } else if (ci.kind === 'gitlab') {
    problems.check(typeof ci.projectPath === 'string' && GITLAB_PROJECT.test(ci.projectPath), `${prop}.projectPath`, ci.projectPath, '"group/project" without wildcards', 'name the one project whose pipeline deploys, e.g. "example-group/support-chat"');
    problems.check(typeof ci.branch === 'string' && GITLAB_BRANCH.test(ci.branch), `${prop}.branch`, ci.branch, 'a branch name without wildcards', 'name the protected branch deploys run on, e.g. "main"');
    problems.check(ci.host === undefined || (typeof ci.host === 'string' && HOST.test(ci.host)), `${prop}.host`, ci.host, 'a host name like "gitlab.example.com"', 'pass the GitLab host without scheme or path');
    problems.check(ci.audience === undefined || (typeof ci.audience === 'string' && ci.audience.length > 0 && !WILDCARDS.test(ci.audience)), `${prop}.audience`, ci.audience, 'the exact aud of the job\'s id_tokens', 'leave audience out for https://<host>, or pass the aud your id_tokens set');
    checkProviderArn(problems, prop, ci.providerArn);
  } else {
    problems.check(typeof ci.roleArn === 'string' && ROLE_ARN.test(ci.roleArn) && !WILDCARDS.test(ci.roleArn), `${prop}.roleArn`, ci.roleArn, 'an exact IAM role ARN like "arn:aws:iam::123456789012:role/ci/buildkite-agent"', 'pass the role your CI agents run as');
  }
}

function checkProviderArn(problems: ProblemCollector, prop: string, arn: string | undefined): void {
  problems.check(arn === undefined || (typeof arn === 'string' && OIDC_PROVIDER_ARN.test(arn)), `${prop}.providerArn`, arn, 'an IAM OIDC provider ARN like "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"', 'pass the provider the platform team created, or leave providerArn out');
}

/** The issuer host of an OIDC identity: the prefix of its condition keys. */
function issuer(ci: GitHubActionsIdentity | GitLabIdentity): string {
  return ci.kind === 'github-actions' ? 'token.actions.githubusercontent.com' : (ci.host ?? 'gitlab.com');
}

/** The exact `sub` claim a CI identity's token carries. */
export function subjectClaim(ci: GitHubActionsIdentity | GitLabIdentity): string {
  if (ci.kind === 'github-actions') return ci.environment !== undefined ? `repo:${ci.repository}:environment:${ci.environment}` : `repo:${ci.repository}:ref:${ci.ref}`;
  return `project_path:${ci.projectPath}:ref_type:branch:ref:${ci.branch}`;
}

/**
 * The trust statement for one CI identity: `sts:AssumeRoleWithWebIdentity` from the OIDC provider
 * with exact (`StringEquals`) `sub` and `aud`, or `sts:AssumeRole` from one role ARN. `sts:TagSession`
 * is not granted: a CI job cannot set session tags that policies might read.
 */
export function trustStatement(ci: CiIdentity, accountId: string, sidSuffix: string): PolicyStatement {
  if (ci.kind === 'role') {
    return { Sid: `TrustCiRole${sidSuffix}`, Effect: 'Allow', Principal: { AWS: ci.roleArn }, Action: ['sts:AssumeRole'] };
  }
  const host = issuer(ci);
  const provider = ci.providerArn ?? `arn:aws:iam::${accountId}:oidc-provider/${host}`;
  const audience = ci.kind === 'github-actions' ? 'sts.amazonaws.com' : (ci.audience ?? `https://${host}`);
  return {
    Sid: `Trust${ci.kind === 'github-actions' ? 'GitHubActions' : 'GitLab'}${sidSuffix}`,
    Effect: 'Allow',
    Principal: { Federated: provider },
    Action: ['sts:AssumeRoleWithWebIdentity'],
    Condition: { StringEquals: { [`${host}:aud`]: audience, [`${host}:sub`]: subjectClaim(ci) } },
  };
}
