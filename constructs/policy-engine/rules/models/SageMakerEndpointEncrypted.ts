import { CONTROLS } from '../../frameworks';
import { compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isConfigured } from '../../terraform-json';

/** SageMaker endpoint storage is encrypted with the environment key. */
export const SageMakerEndpointEncrypted = defineRule({
  id: 'SageMakerEndpointEncrypted',
  summary: 'SageMaker endpoint configurations encrypt their storage with a KMS key.',
  explanation: 'The endpoint\'s volumes hold model artefacts and may hold captured requests; they need the environment key.',
  fix: 'Set kms_key_arn to the environment key.',
  level: 'error',
  frameworks: [CONTROLS.csfDataAtRest, CONTROLS.maestroInfrastructure],
  types: ['aws_sagemaker_endpoint_configuration'],
  evaluate(resource, { stack }) {
    return isConfigured(stack, resource, 'kms_key_arn') ? compliant : nonCompliant('kms_key_arn is not set');
  },
});
