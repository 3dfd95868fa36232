import { grantedActions, MODEL_ACTIONS, TOOL_ACTIONS } from '../../iam';
import { CONTROLS } from '../../frameworks';
import { identityPolicies, IDENTITY_POLICY_HOLDERS, isPermissionBoundary } from '../../iam';
import { notApplicable } from '../../rule-engine';
import { defineRule, judgePolicies } from '../../rule-helpers';

export const MODEL_ACCESS_SID_PREFIX = 'ModelAccess';
export const TOOL_ACCESS_SID_PREFIX = 'ToolAccess';

/** Model access and tool access are separate grants: never one policy document. */
export const ModelAndToolAccessSeparated = defineRule({
  id: 'ModelAndToolAccessSeparated',
  summary: 'No policy document grants both model access and tool access.',
  explanation:
    'A model approval must not imply execution rights: with separate policies each grant is reviewed, excepted and ' +
    'revoked on its own, and a prompt-injected model cannot ride on a tool grant made for another purpose. Permission ' +
    'boundaries are not grants and are not checked.',
  fix: 'Split the statements into two policies: one with the ModelAccess statements, one with the ToolAccess statements (WorkloadIdentity.addStatements does this per concern).',
  level: 'error',
  frameworks: [CONTROLS.asiToolMisuse, CONTROLS.asiIdentityPrivilege, CONTROLS.nhiOverprivileged, CONTROLS.csfLeastPrivilege, CONTROLS.maestroAgentFrameworks],
  types: IDENTITY_POLICY_HOLDERS,
  evaluate(resource, { stack, app }) {
    // A permissions boundary is the union ceiling of every workload, not a grant: it has to name both.
    if (isPermissionBoundary(resource, stack, app)) return notApplicable;
    return judgePolicies(identityPolicies(stack, resource), (doc) => {
      const sids = doc.statements.map((s) => s.sid ?? '');
      const bySid = sids.some((s) => s.startsWith(MODEL_ACCESS_SID_PREFIX)) && sids.some((s) => s.startsWith(TOOL_ACCESS_SID_PREFIX));
      const model = doc.statements.flatMap((s) => grantedActions(s, MODEL_ACTIONS));
      const tool = doc.statements.flatMap((s) => grantedActions(s, TOOL_ACTIONS));
      if (bySid) return [`one policy holds both ${MODEL_ACCESS_SID_PREFIX}* and ${TOOL_ACCESS_SID_PREFIX}* statements`];
      if (model.length && tool.length) return [`one policy allows model actions (${[...new Set(model)].join(', ')}) and tool routes (${[...new Set(tool)].join(', ')})`];
      return [];
    });
  },
});
