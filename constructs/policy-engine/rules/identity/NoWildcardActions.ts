import { CONTROLS } from '../../frameworks';
import { identityPolicies, IDENTITY_POLICY_HOLDERS, isWildcardPattern, RESOURCE_POLICY_TYPES, resourcePolicies } from '../../iam';
import { defineRule, describeStatement, judgePolicies, UNRESOLVED_PREFIX } from '../../rule-helpers';
import { isUnresolvedValue } from '../../terraform-json';

const ENDPOINT_POLICY_TYPES = ['aws_vpc_endpoint', 'aws_vpc_endpoint_policy'];

/** Allow statements name their actions: no `*`, no `service:*`, no `s3:Get*`, no NotAction. */
export const NoWildcardActions = defineRule({
  id: 'NoWildcardActions',
  summary: 'IAM Allow statements name every action: no wildcards and no NotAction.',
  explanation:
    'A wildcard action grants every action a service has today and every one it adds tomorrow, which is the ' +
    'over-privilege that turns a leaked workload credential into a breach.',
  fix: 'List the exact actions (the action lists in constructs/governance/iam-actions.ts) instead of patterns.',
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.asiToolMisuse, CONTROLS.csfLeastPrivilege, CONTROLS.maestroSecurity],
  // A VPC endpoint policy grants nothing: it only filters what identities' own policies allow
  // through the endpoint, and AWS's default is Allow * for everyone
  // (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). Its Allow *
  // keeps neighbours in a shared VPC working; its Deny statements are what it adds.
  types: [...IDENTITY_POLICY_HOLDERS, ...Object.keys(RESOURCE_POLICY_TYPES).filter((t) => !ENDPOINT_POLICY_TYPES.includes(t))],
  evaluate(resource, { stack }) {
    const lookups = [...identityPolicies(stack, resource), ...resourcePolicies(stack, resource)];
    return judgePolicies(lookups, (doc) =>
      doc.statements.flatMap((s, i) => {
        if (s.effect !== 'Allow') return [];
        const where = describeStatement(s.sid, i);
        if (s.notActions) return [`${where} uses NotAction ${s.notActions.join(', ')} in an Allow (allows every other action)`];
        const wild = (s.actions ?? []).filter((a) => isWildcardPattern(a) && !isUnresolvedValue(a));
        const unknown = (s.actions ?? []).filter(isUnresolvedValue);
        return [
          ...(wild.length ? [`${where} allows wildcard actions ${wild.join(', ')}`] : []),
          ...(unknown.length ? [`${UNRESOLVED_PREFIX}${where} has actions given by an expression`] : []),
        ];
      }),
    );
  },
});
