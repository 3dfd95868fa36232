import { BEDROCK_INVOKE_ACTIONS, grantedActions } from '../../iam';
import { CONTROLS } from '../../frameworks';
import { documents, identityPolicies, IDENTITY_POLICY_HOLDERS } from '../../iam';
import { cannotVerify, compliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';

export const INVOCATION_LOGGING_TYPE = 'aws_bedrock_model_invocation_logging_configuration';

/** Wherever Bedrock models are granted or used, their invocations are logged. */
export const ModelInvocationLogging = defineRule({
  id: 'ModelInvocationLogging',
  summary: 'Bedrock model invocation logging is configured wherever Bedrock invocation is granted or an agent uses a model.',
  explanation:
    'Prompts and responses are the evidence of what an AI workload did; without invocation logs no gateway decision ' +
    'or model call can be traced back to a workload and a policy. The logging configuration is account-wide and ' +
    'usually lives in the platform stack, so the rule looks at every stack checked together.',
  fix: 'The environment (GovernedEnvironment) configures aws_bedrock_model_invocation_logging_configuration; synthesize or check this stack together with its platform stack, or pin the environment contract (cdktf-ai-governance contract export), which names the invocation log group.',
  level: 'error',
  frameworks: [CONTROLS.rmfIncidents, CONTROLS.csfLogging, CONTROLS.asiToolMisuse, CONTROLS.maestroObservability],
  types: [...IDENTITY_POLICY_HOLDERS, 'aws_bedrockagent_agent'],
  evaluate(resource, { stack, app }) {
    const usesBedrock =
      resource.type === 'aws_bedrockagent_agent' ||
      documents(identityPolicies(stack, resource)).some((d) => d.statements.some((s) => grantedActions(s, BEDROCK_INVOKE_ACTIONS).length > 0));
    if (!usesBedrock) return notApplicable;
    // The platform stack configures it; a product stack checked alone knows it from the pinned
    // contract, whose revision plan re-checks against the live one.
    const logged = app.some((s) => s.ofType(INVOCATION_LOGGING_TYPE).length > 0) || stack.contracts.some((c) => c.source === 'pinned' && !!c.invocationLogGroupName);
    return logged
      ? compliant
      : cannotVerify(`Bedrock is used but no ${INVOCATION_LOGGING_TYPE} is in the stacks checked together; check with the platform stack of this account`);
  },
});
