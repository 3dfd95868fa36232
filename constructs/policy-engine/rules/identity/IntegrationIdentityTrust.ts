import { CONTROLS } from '../../frameworks';
import { lookupPolicy, type Statement } from '../../iam';
import { cannotVerify, notApplicable } from '../../rule-engine';
import { defineRule, describeStatement, judgePolicies, UNRESOLVED_PREFIX } from '../../rule-helpers';
import { isSet, isUnresolvedValue } from '../../terraform-json';

/** Integration identities live under /governed/<env>/integration/ (constructs/governance/names.ts). */
const INTEGRATION_PATH = /^\/governed\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/integration\/$/;

/** The gateway function's role of environment `env`: `<env>-<region code>-platform-gateway` under /governed-platform/<env>/. */
function gatewayRolePattern(env: string): RegExp {
  return new RegExp(`^arn:aws[a-z-]*:iam::(\\d{12}|\\$\\{[^}]+\\}):role/governed-platform/${env}/${env}-[a-z0-9]+-platform-gateway$`);
}

/** A condition that sts:SourceIdentity is present (`Null: false`) or has a given value. */
function requiresSourceIdentity(s: Statement): boolean {
  return s.conditions.some(
    (c) => c.key.toLowerCase() === 'sts:sourceidentity' && ((c.operator === 'Null' && c.values.length > 0 && c.values.every((v) => v === 'false')) || /^String(Equals|Like)(IgnoreCase)?$/.test(c.operator)),
  );
}

/**
 * An integration identity (what the gateway function acts with for one workload: Bedrock,
 * SageMaker, a tool's credential) is assumed by the environment's gateway function and nobody else,
 * and only with a source identity naming the caller. The role's trust policy is written by the
 * team's own stack, and IAM has no condition on what a trust policy may say: a team could add its
 * CI role, its workload role or a colleague, and so reach its models and tools around the gateway's
 * quotas, Cedar decisions, decision log and guardrail. This rule is the check on that statement.
 */
export const IntegrationIdentityTrust = defineRule({
  id: 'IntegrationIdentityTrust',
  summary: "Integration identities (path /governed/<env>/integration/) trust only their environment's gateway function role, with sts:SourceIdentity required.",
  explanation:
    'An integration identity holds the model, endpoint and tool access the gateway function uses for a workload. Anyone else ' +
    'it trusts reaches those models and tools without the gateway: no quota, no Cedar decision, no decision log, no guardrail.',
  fix: "Trust only the environment's gateway function role (the contract's gateway.functionRoleArn) with sts:AssumeRole and sts:SetSourceIdentity and a condition that sts:SourceIdentity is present (GovernedInferenceService and GovernedAgent do this).",
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.asiToolMisuse, CONTROLS.csfLeastPrivilege, CONTROLS.maestroSecurity],
  types: ['aws_iam_role'],
  evaluate(resource, { stack }) {
    const path = resource.values.path;
    if (isUnresolvedValue(path)) return cannotVerify('path is an expression; cannot tell whether this is an integration identity');
    const env = typeof path === 'string' ? INTEGRATION_PATH.exec(path)?.[1] : undefined;
    if (!env) return notApplicable;
    if (!isSet(resource.values.assume_role_policy)) return cannotVerify('assume_role_policy is not set');
    const gateway = gatewayRolePattern(env);
    return judgePolicies([lookupPolicy(stack, resource, 'assume_role_policy')], (doc) => {
      const allows = doc.statements.filter((s) => s.effect === 'Allow');
      if (allows.length === 0) return [`trusts nobody: no Allow statement (the gateway function of ${env} cannot act for the workload)`];
      return allows.flatMap((s, i) => {
        const where = describeStatement(s.sid, i);
        if (s.notPrincipals !== undefined) return [`${where} uses NotPrincipal (trusts everyone else)`];
        const p = s.principals;
        if (p === undefined) return [`${where} names no principal`];
        if (p === '*') return [`${where} trusts Principal "*"`];
        const problems: string[] = [];
        for (const [type, ids] of Object.entries(p)) {
          if (type !== 'AWS') {
            problems.push(`${where} trusts ${type} ${ids.join(', ')}, not the gateway function role of ${env}`);
            continue;
          }
          for (const id of ids) {
            if (gateway.test(id)) continue;
            // A reference the rules could not resolve (a contract read without its pinned copy).
            if (isUnresolvedValue(id) && /gateway\.functionRoleArn/.test(id)) problems.push(`${UNRESOLVED_PREFIX}${where} trusts ${id}, which names the gateway function role only once the contract is read`);
            else problems.push(`${where} trusts ${id}, which is not the gateway function role of ${env} (arn:aws:iam::<account>:role/governed-platform/${env}/${env}-<region code>-platform-gateway)`);
          }
        }
        if (!requiresSourceIdentity(s)) problems.push(`${where} does not require sts:SourceIdentity (the caller the gateway function acts for goes unrecorded in CloudTrail)`);
        return problems;
      });
    });
  },
});
