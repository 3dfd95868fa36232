/**
 * The applied roles by what they are, read from their IAM path and tags (never from their
 * policies, which are what the matrix tests):
 *  - workload identities `/governed/<env>/`: the runtime's own role, the only gateway callers;
 *  - integration identities `/governed/<env>/integration/`: what the gateway function acts with;
 *  - platform roles `/governed-platform/<env>/`: the gateway and rotation functions and the
 *    account's logging roles.
 */
import { TAG_KEYS } from '../../../constructs/governance/tags';
import type { PolicyWorld, RoleView } from './policy-world';

export type IdentityKind = 'workload' | 'integration' | 'platform' | 'other';

export function kindOf(role: RoleView): IdentityKind {
  if (/^\/governed\/[^/]+\/$/.test(role.path)) return 'workload';
  if (/^\/governed\/[^/]+\/integration\/$/.test(role.path)) return 'integration';
  if (/^\/governed-platform\/[^/]+\/$/.test(role.path)) return 'platform';
  return 'other';
}

/** The environment a governed role belongs to: the second segment of its path. */
export function environmentOf(role: RoleView): string | undefined {
  return /^\/governed(?:-platform)?\/([^/]+)\//.exec(role.path)?.[1];
}

export const workloadOf = (role: RoleView): string | undefined => role.tags[TAG_KEYS.workload];
export const isRevoked = (role: RoleView): boolean => TAG_KEYS.revokedBy in role.tags;
/** When a revoked role was revoked (its `governance:revoked-at` tag). */
export const revokedAt = (role: RoleView): string | undefined => role.tags[TAG_KEYS.revokedAt];

export function rolesOfKind(world: PolicyWorld, kind: IdentityKind, environment?: string): RoleView[] {
  return world.roles.filter((r) => kindOf(r) === kind && (environment === undefined || environmentOf(r) === environment));
}

/** Environments with governed roles, in the order their roles were applied. */
export function environmentsOf(world: PolicyWorld): string[] {
  return [...new Set(world.roles.map(environmentOf).filter((e): e is string => e !== undefined))];
}

/** The gateway function's role of an environment: the platform role its integration identities trust. */
export function gatewayFunctionRole(world: PolicyWorld, environment: string): RoleView | undefined {
  return rolesOfKind(world, 'platform', environment).find((r) => /-platform-gateway$/.test(r.name));
}

/** The rotation function's role of an environment: the only writer of governed secret values. */
export function rotationRole(world: PolicyWorld, environment: string): RoleView | undefined {
  return rolesOfKind(world, 'platform', environment).find((r) => /-platform-rotation$/.test(r.name));
}
