import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue, isSet } from '../../terraform-json';

/** SageMaker models run with network isolation inside the VPC. */
export const SageMakerNetworkIsolation = defineRule({
  id: 'SageMakerNetworkIsolation',
  summary: 'SageMaker models enable network isolation and run in a VPC.',
  explanation: 'A model container without isolation can call out to the internet with whatever it was given, including prompts.',
  fix: 'Set enable_network_isolation = true and vpc_config with the environment\'s private subnets (PrivateModelEndpoint does this).',
  level: 'error',
  frameworks: [CONTROLS.csfNetwork, CONTROLS.maestroModels, CONTROLS.maestroInfrastructure],
  types: ['aws_sagemaker_model'],
  evaluate(resource) {
    const isolation = boolValue(resource.values.enable_network_isolation);
    const problems: string[] = [];
    if (isolation !== true && isolation !== 'unresolved') problems.push('enable_network_isolation is not true');
    if (!isSet(resource.values.vpc_config)) problems.push('no vpc_config');
    if (problems.length) return nonCompliant(problems.join('; '));
    return isolation === 'unresolved' ? cannotVerify('enable_network_isolation is an expression') : compliant;
  },
});
