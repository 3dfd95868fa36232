import { isSlug } from '../governance/accountability';
import { ProblemCollector } from '../governance/errors';
import { checkDerivedName, PLATFORM_NAME, reservedWorkloadName } from '../governance/names';
import type { WorkloadClaim } from '../governance/workload-registry';
import { checkCiIdentity, type CiIdentity } from './ci-identities';

/**
 * One product team that deploys into the environment with its own deployment role.
 * Exactly one of `workloads` and `workloadPrefix` says which workload names are the team's: the
 * role's IAM name conditions come from it, and synth fails when a workload of the same app is
 * owned by a team that has no entry, or carries a name another team owns.
 */
export interface DeploymentTeam {
  /** The team slug: `owner.team` of its workloads and the `governance:owner` tag they carry. */
  readonly team: string;
  /** Who may assume the role: one CI identity, or several (a GitHub workflow and a break-glass role). */
  readonly ci: CiIdentity | readonly CiIdentity[];
  /**
   * The workload names the team owns in this environment (`support-chat`).
   * @default - none (then `workloadPrefix` is required)
   */
  readonly workloads?: readonly string[];
  /**
   * A name prefix every workload of the team starts with (`support-`): no other team's name may
   * start with it.
   * @default - none (then `workloads` is required)
   */
  readonly workloadPrefix?: string;
}

/**
 * The platform's Terraform state bucket: each team's role reads and writes only its own prefix
 * (`<keyPrefix><team>/`), with S3 lock files (`use_lockfile`, Terraform >= 1.10).
 */
export interface StateBackend {
  /** The bucket name. */
  readonly bucket: string;
  /**
   * Key prefix before the team's own prefix.
   * @default '' (team prefixes at the bucket root: `<team>/...`)
   */
  readonly keyPrefix?: string;
}

/** Role name of a team's deployment role: `<prefix>platform-deploy-<team>` (the platform's own name space). */
export function deploymentRoleName(iamNamePrefix: string, team: string): string {
  return `${iamNamePrefix}${PLATFORM_NAME}-deploy-${team}`;
}

/** IAM path of the deployment roles: outside `/governed/` (workload identities) and `/governed-platform/`. */
export function deploymentRolePath(envName: string): string {
  return `/governed-deploy/${envName}/`;
}

/**
 * Names a team may not take even though they are valid workload names: the audit sinks and the
 * gateway's decision log live at `/governed/<env>/audit/...` and `/governed/<env>/gateway/...`.
 */
const PLATFORM_LOG_NAMES = ['audit', 'gateway'];

const PREFIX = /^[a-z0-9][a-z0-9-]{0,40}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX = /^([A-Za-z0-9!_.'()-]+\/)*$/;

export function ciIdentitiesOf(team: DeploymentTeam): readonly CiIdentity[] {
  return Array.isArray(team.ci) ? (team.ci as readonly CiIdentity[]) : [team.ci as CiIdentity];
}

/** True when `team` owns workload `name` (exact name or prefix). */
export function ownsWorkload(team: DeploymentTeam, name: string): boolean {
  return team.workloads ? team.workloads.includes(name) : team.workloadPrefix !== undefined && name.startsWith(team.workloadPrefix);
}

/** Checks the team list of one environment, collecting every problem. */
export function checkDeploymentTeams(problems: ProblemCollector, prop: string, teams: readonly DeploymentTeam[] | undefined, iamNamePrefix: string, stateBackend?: StateBackend): void {
  if (!Array.isArray(teams) || teams.length === 0) {
    problems.add(prop, teams, 'a list of at least one team { team, ci, workloads | workloadPrefix }', 'list the product teams that deploy into this environment, or leave the prop out');
    return;
  }
  const seen = new Map<string, number>();
  teams.forEach((t, i) => {
    const at = `${prop}[${i}]`;
    if (!t || typeof t !== 'object') {
      problems.add(at, t, 'an object { team, ci, workloads | workloadPrefix }', 'describe the team');
      return;
    }
    if (!isSlug(t.team)) {
      problems.add(`${at}.team`, t.team, 'a lowercase slug (a-z, 0-9 and "-", not starting or ending with "-"): the owner.team of its workloads', 'use the team slug its workloads carry in owner.team, e.g. "customer-support"');
    } else {
      checkDerivedName(problems, `${at}.team`, t.team, 'iamRole', deploymentRoleName(iamNamePrefix, t.team), 'deployment role name');
      const earlier = seen.get(t.team);
      if (earlier !== undefined) {
        problems.add(`${at}.team`, t.team, `one entry per team (it is already ${prop}[${earlier}])`, 'merge the two entries: list every CI identity and workload of the team in one');
      } else seen.set(t.team, i);
    }
    const identities = t.ci === undefined ? [] : ciIdentitiesOf(t);
    if (identities.length === 0) problems.add(`${at}.ci`, t.ci, 'at least one CI identity', 'name the CI identity that deploys the team\'s stacks, e.g. { kind: "github-actions", repository: "org/repo", environment: "dev" }');
    identities.forEach((ci, j) => checkCiIdentity(problems, Array.isArray(t.ci) ? `${at}.ci[${j}]` : `${at}.ci`, ci));

    const hasList = t.workloads !== undefined;
    const hasPrefix = t.workloadPrefix !== undefined;
    if (hasList === hasPrefix) {
      problems.add(at, { workloads: t.workloads, workloadPrefix: t.workloadPrefix }, 'exactly one of workloads (a list of names) and workloadPrefix', 'list the team\'s workload names, or give the one prefix they all start with');
    } else if (hasList) {
      if (!Array.isArray(t.workloads) || t.workloads.length === 0) {
        problems.add(`${at}.workloads`, t.workloads, 'at least one workload name', 'list the names the team\'s workloads use in this environment');
      } else {
        (t.workloads as readonly unknown[]).forEach((w, j) => checkOwnedName(problems, `${at}.workloads[${j}]`, w));
      }
    } else {
      const p = t.workloadPrefix;
      if (typeof p !== 'string' || !PREFIX.test(p) || p.length < 3) {
        problems.add(`${at}.workloadPrefix`, p, 'a name prefix of 3 to 41 characters (a-z, 0-9, "-"), like "support-"', 'use a prefix only the team\'s workloads start with');
      } else if (PLATFORM_NAME.startsWith(p) || p.startsWith(PLATFORM_NAME) || PLATFORM_LOG_NAMES.some((n) => n.startsWith(p) || p.startsWith(n))) {
        problems.add(`${at}.workloadPrefix`, p, `a prefix that cannot name the platform's own names (${[PLATFORM_NAME, ...PLATFORM_LOG_NAMES].map((n) => `"${n}"`).join(', ')})`, 'choose a prefix that starts with the team\'s name');
      }
    }
  });
  checkOverlaps(problems, prop, teams);
  if (stateBackend !== undefined) {
    problems.check(typeof stateBackend?.bucket === 'string' && BUCKET.test(stateBackend.bucket), 'stateBackend.bucket', stateBackend?.bucket, 'an S3 bucket name', 'pass the name of the platform\'s Terraform state bucket');
    problems.check(stateBackend?.keyPrefix === undefined || (typeof stateBackend.keyPrefix === 'string' && KEY_PREFIX.test(stateBackend.keyPrefix) && !/[*?]/.test(stateBackend.keyPrefix)), 'stateBackend.keyPrefix', stateBackend?.keyPrefix, 'empty, or folders ending in "/" without wildcards ("teams/")', 'pass the folder the team prefixes live under, ending in "/"');
  }
}

function checkOwnedName(problems: ProblemCollector, prop: string, name: unknown): void {
  if (!isSlug(name)) {
    problems.add(prop, name, 'a workload name (lowercase slug)', 'use the name the team\'s GovernedInferenceService or GovernedAgent is given');
    return;
  }
  const reserved = reservedWorkloadName(name);
  if (reserved) problems.add(prop, name, `a name a workload can have (${reserved})`, 'remove it: no workload can take it');
  else if (PLATFORM_LOG_NAMES.includes(name)) problems.add(prop, name, `not ${PLATFORM_LOG_NAMES.map((n) => `"${n}"`).join(' or ')} (the platform's log groups live under /governed/<env>/${name}/)`, 'rename the workload');
}

/** Two teams must never own the same name: an exact name twice, a name under another's prefix, nested prefixes. */
function checkOverlaps(problems: ProblemCollector, prop: string, teams: readonly DeploymentTeam[]): void {
  const owners: Array<{ index: number; team: string; name?: string; prefix?: string }> = [];
  teams.forEach((t, index) => {
    if (!t || typeof t !== 'object') return;
    if (Array.isArray(t.workloads)) for (const name of t.workloads) if (typeof name === 'string') owners.push({ index, team: t.team, name });
    if (typeof t.workloadPrefix === 'string') owners.push({ index, team: t.team, prefix: t.workloadPrefix });
  });
  for (let a = 0; a < owners.length; a++) {
    for (let b = a + 1; b < owners.length; b++) {
      const x = owners[a];
      const y = owners[b];
      if (x.index === y.index) continue;
      const clash =
        (x.name !== undefined && x.name === y.name) ||
        (x.prefix !== undefined && (y.name ?? y.prefix ?? '').startsWith(x.prefix)) ||
        (y.prefix !== undefined && (x.name ?? x.prefix ?? '').startsWith(y.prefix));
      if (clash) {
        problems.add(
          `${prop}[${y.index}]`,
          y.name ?? y.prefix,
          `names no other team owns (${prop}[${x.index}] "${x.team}" owns ${x.name !== undefined ? `"${x.name}"` : `every name starting "${x.prefix}"`})`,
          'give each workload name to one team; prefixes must not start one another',
        );
      }
    }
  }
}

/**
 * The app-level check: every workload claimed in this environment (by GovernedInferenceService or
 * GovernedAgent anywhere in the same app) belongs to a team with an entry, and its name is one that
 * team owns. Otherwise the team's deployment role would be denied at apply: synth says so first.
 */
export function claimsOutsideTeams(envName: string, teams: readonly DeploymentTeam[], claims: readonly WorkloadClaim[]): string[] {
  const messages: string[] = [];
  for (const c of claims) {
    if (c.environment !== envName || reservedWorkloadName(c.workload) !== undefined) continue;
    const entry = teams.find((t) => t.team === c.team);
    const owner = teams.find((t) => ownsWorkload(t, c.workload));
    if (!entry) {
      messages.push(
        `${c.path}: workload "${c.workload}" is owned by team "${c.team}", which has no deployment team entry in environment "${envName}"; allowed: teams ${teams.map((t) => `"${t.team}"`).join(', ')}; fix: add { team: "${c.team}", ci, workloads: ["${c.workload}"] } to deploymentTeams, or set owner.team to the team that deploys it`,
      );
    } else if (owner?.team !== c.team) {
      messages.push(
        `${c.path}: workload "${c.workload}" of team "${c.team}" is not a name that team owns in environment "${envName}"${owner ? ` (team "${owner.team}" owns it)` : ''}; allowed: ${entry.workloads ? entry.workloads.map((w) => `"${w}"`).join(', ') : `names starting "${entry.workloadPrefix}"`}; fix: add "${c.workload}" to the team's workloads, or rename the workload`,
      );
    }
  }
  return messages;
}

/** Runs {@link checkDeploymentTeams} on its own collector and throws once (for the DeploymentRoles constructor). */
export function validateDeploymentTeams(path: string, teams: readonly DeploymentTeam[] | undefined, iamNamePrefix: string, stateBackend?: StateBackend): void {
  const problems = new ProblemCollector(path);
  checkDeploymentTeams(problems, 'deploymentTeams', teams, iamNamePrefix, stateBackend);
  problems.throwIfAny();
}
