import { CONTROLS } from '../../frameworks';
import { documents, lookupPolicy, ParsedPolicy, PolicyLookup, unresolvedReasons, identityPolicies } from '../../iam';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { TAG_KEYS } from '../../../governance/tags';
import { isSet } from '../../terraform-json';

export const AWS_DENY_ALL_ARN = 'arn:aws:iam::aws:policy/AWSDenyAll';

function deniesEverything(doc: ParsedPolicy): boolean {
  return doc.statements.some((s) => s.effect === 'Deny' && (s.actions ?? []).includes('*') && (s.resources ?? []).includes('*') && s.conditions.length === 0);
}

/** A revoked workload's role carries an explicit Deny of every action on every resource. */
export const RevokedWorkloadDenied = defineRule({
  id: 'RevokedWorkloadDenied',
  summary: `A role tagged ${TAG_KEYS.revokedBy} carries an explicit Deny of "*" on "*".`,
  explanation:
    'Revocation must take effect at once and whatever else is attached: only an explicit deny overrides every allow, ' +
    'including ones added later by hand.',
  fix: 'Revoke through the workload construct (it attaches a Deny */* inline policy), or attach arn:aws:iam::aws:policy/AWSDenyAll.',
  level: 'error',
  frameworks: [CONTROLS.nhiOffboarding, CONTROLS.asiRogueAgents, CONTROLS.rmfDecommissioning, CONTROLS.csfIdentities, CONTROLS.maestroEcosystem],
  types: ['aws_iam_role'],
  evaluate(role, { stack }) {
    if (!isSet(role.effectiveTags[TAG_KEYS.revokedBy])) {
      return role.tagsUnresolved ? cannotVerify('tags is an expression; cannot tell whether the role is revoked') : notApplicable;
    }
    const lookups: PolicyLookup[] = [...identityPolicies(stack, role)];
    for (const p of stack.referencing('aws_iam_role_policy', 'role', role)) lookups.push(lookupPolicy(stack, p, 'policy'));
    for (const a of stack.referencing('aws_iam_role_policy_attachment', 'role', role)) {
      if (a.values.policy_arn === AWS_DENY_ALL_ARN) return compliant;
      for (const address of a.references.get('policy_arn') ?? []) {
        const policy = stack.byAddress(address);
        if (policy?.type === 'aws_iam_policy') lookups.push(lookupPolicy(stack, policy, 'policy'));
      }
    }
    if (documents(lookups).some(deniesEverything)) return compliant;
    const unknown = unresolvedReasons(lookups);
    if (unknown.length) return cannotVerify(unknown.join('; '));
    return nonCompliant(`the role is tagged ${TAG_KEYS.revokedBy} but no policy attached to it denies "*" on "*"`);
  },
});
