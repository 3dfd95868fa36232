import { BEDROCK_INVOKE_ACTIONS, grantedActions } from '../action-classes';
import { CONTROLS } from '../frameworks';
import { documents, identityPolicies, IDENTITY_POLICY_TYPES } from '../iam-policy';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../rule-engine';
import { defineRule } from '../rule-helpers';
import { blocks, boolValue } from '../terraform-json';

export const INVOCATION_LOGGING_TYPE = 'aws_bedrock_model_invocation_logging_configuration';

/** Wherever models are used, their invocations are logged. */
export const ModelInvocationLogging = defineRule({
  id: 'ModelInvocationLogging',
  summary: 'Model use is logged: Bedrock invocation logging in the app wherever Bedrock is granted or used; data capture on SageMaker endpoints.',
  explanation:
    'Prompts and responses are the evidence of what an AI workload did; without invocation logs no gateway decision ' +
    'or model call can be traced back to a workload and a policy.',
  fix:
    'Bedrock: the environment (GovernedEnvironment) configures aws_bedrock_model_invocation_logging_configuration; synthesize or check it together with this stack. ' +
    'SageMaker: set data_capture_config with enable_capture on the endpoint configuration.',
  level: 'error',
  frameworks: [CONTROLS.aiRmfGovern, CONTROLS.agenticToolUse, CONTROLS.maestroTrust],
  types: ['aws_iam_role', ...Object.keys(IDENTITY_POLICY_TYPES), 'aws_sagemaker_endpoint_configuration', 'aws_bedrockagent_agent'],
  evaluate(resource, { stack, app }) {
    if (resource.type === 'aws_sagemaker_endpoint_configuration') {
      const capture = blocks(resource.values.data_capture_config)[0];
      if (!capture) return nonCompliant('no data_capture_config: endpoint invocations are not captured');
      const enabled = boolValue(capture.enable_capture);
      if (enabled === 'unresolved') return cannotVerify('data_capture_config.enable_capture is an expression');
      return enabled === false ? nonCompliant('data_capture_config.enable_capture is false') : compliant;
    }
    const usesBedrock =
      resource.type === 'aws_bedrockagent_agent' ||
      documents(identityPolicies(stack, resource)).some((d) => d.statements.some((s) => grantedActions(s, BEDROCK_INVOKE_ACTIONS).length > 0));
    if (!usesBedrock) return notApplicable;
    const logged = app.some((s) => s.ofType(INVOCATION_LOGGING_TYPE).length > 0);
    return logged
      ? compliant
      : cannotVerify(`Bedrock is used but no ${INVOCATION_LOGGING_TYPE} is in the stacks checked together; check with the platform stack of this account`);
  },
});
