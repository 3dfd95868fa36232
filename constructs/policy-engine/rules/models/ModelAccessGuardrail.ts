import { BEDROCK_INVOKE_ACTIONS, grantedActions } from '../../iam';
import { CONTROLS } from '../../frameworks';
import { conditionKeys, identityPolicies, IDENTITY_POLICY_HOLDERS, isPermissionBoundary } from '../../iam';
import { compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule, describeStatement, judgePolicies } from '../../rule-helpers';
import { isSet } from '../../terraform-json';

export const GUARDRAIL_CONDITION_KEY = 'bedrock:GuardrailIdentifier';

/** Whoever may invoke a Bedrock model may do so only through a guardrail. */
export const ModelAccessGuardrail = defineRule({
  id: 'ModelAccessGuardrail',
  summary: 'Bedrock model invocation is allowed only with a guardrail (IAM condition bedrock:GuardrailIdentifier); agents name a guardrail.',
  explanation:
    'A guardrail that callers may skip is advice, not a control. The bedrock:GuardrailIdentifier condition makes Bedrock ' +
    'refuse any InvokeModel or Converse call that does not apply the environment\'s guardrail.',
  fix: 'Add Condition StringEquals { "bedrock:GuardrailIdentifier": "<guardrail arn>:<version>" } to the statement (the gateway route\'s integration role), or set guardrail_configuration on the agent.',
  level: 'error',
  frameworks: [CONTROLS.asiGoalHijack, CONTROLS.rmfHumanAiOversight, CONTROLS.maestroModels],
  types: [...IDENTITY_POLICY_HOLDERS, 'aws_bedrockagent_agent'],
  evaluate(resource, { stack, app }) {
    // A boundary grants nothing by itself; the grants it caps are checked where they are made.
    if (isPermissionBoundary(resource, stack, app)) return notApplicable;
    if (resource.type === 'aws_bedrockagent_agent') {
      return isSet(resource.values.guardrail_configuration) ? compliant : nonCompliant('the agent has no guardrail_configuration');
    }
    return judgePolicies(identityPolicies(stack, resource), (doc) =>
      doc.statements.flatMap((s, i) => {
        const granted = grantedActions(s, BEDROCK_INVOKE_ACTIONS);
        if (granted.length === 0) return [];
        return conditionKeys(s).includes(GUARDRAIL_CONDITION_KEY.toLowerCase())
          ? []
          : [`${describeStatement(s.sid, i)} allows ${granted.join(', ')} without a ${GUARDRAIL_CONDITION_KEY} condition`];
      }),
    );
  },
});
