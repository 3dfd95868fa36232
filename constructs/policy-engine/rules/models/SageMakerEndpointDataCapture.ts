import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, boolValue } from '../../terraform-json';

/** SageMaker endpoints capture their invocations: the SageMaker form of model invocation logging. */
export const SageMakerEndpointDataCapture = defineRule({
  id: 'SageMakerEndpointDataCapture',
  summary: 'SageMaker endpoint configurations capture invocations (data_capture_config enabled).',
  explanation:
    'Requests and responses are the evidence of what a model served; without data capture no call to a self-hosted ' +
    'model can be traced back to a workload and reviewed.',
  fix: 'Set data_capture_config { enable_capture = true, destination_s3_uri = <the environment\'s audit bucket>, kms_key_id = <environment key>, capture_options { capture_mode = "Input" and "Output" } } on the endpoint configuration.',
  level: 'error',
  frameworks: [CONTROLS.rmfIncidents, CONTROLS.csfLogging, CONTROLS.maestroObservability],
  types: ['aws_sagemaker_endpoint_configuration'],
  evaluate(resource) {
    const capture = blocks(resource.values.data_capture_config)[0];
    if (!capture) return nonCompliant('no data_capture_config: endpoint invocations are not captured');
    const enabled = boolValue(capture.enable_capture);
    if (enabled === 'unresolved') return cannotVerify('data_capture_config.enable_capture is an expression');
    return enabled === false ? nonCompliant('data_capture_config.enable_capture is false') : compliant;
  },
});
