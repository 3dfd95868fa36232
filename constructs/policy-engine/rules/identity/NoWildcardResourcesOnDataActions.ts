import { broadResources, DATA_ACTIONS, grantedActions, reachesEveryResource } from '../../iam';
import { CONTROLS } from '../../frameworks';
import { identityPolicies, IDENTITY_POLICY_HOLDERS } from '../../iam';
import { defineRule, describeStatement, judgePolicies } from '../../rule-helpers';

/** An Allow of a data action (read/write objects, secrets, keys, models, tools) names its resources. */
export const NoWildcardResourcesOnDataActions = defineRule({
  id: 'NoWildcardResourcesOnDataActions',
  summary: 'IAM statements that allow data actions name their resources (no "*", no every-resource-of-a-type pattern, no NotResource).',
  explanation:
    'Resource "*" on GetSecretValue, Decrypt, GetObject or InvokeModel reaches every secret, key, object or model in ' +
    'the account, including other workloads\' and other environments\'.',
  fix: 'Name the ARNs the workload needs (its own secret, the environment key, the allowed model) in Resource.',
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.nhiEnvironmentIsolation, CONTROLS.asiToolMisuse, CONTROLS.csfLeastPrivilege, CONTROLS.maestroSecurity],
  types: IDENTITY_POLICY_HOLDERS,
  evaluate(resource, { stack }) {
    return judgePolicies(identityPolicies(stack, resource), (doc) =>
      doc.statements.flatMap((s, i) => {
        const data = grantedActions(s, DATA_ACTIONS);
        if (data.length === 0) return [];
        if (!reachesEveryResource(s)) return [];
        return [`${describeStatement(s.sid, i)} allows ${data.slice(0, 3).join(', ')}${data.length > 3 ? ', ...' : ''} on every resource of a type (${broadResources(s).join(', ')})`];
      }),
    );
  },
});
