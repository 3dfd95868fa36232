import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue, isConfigured, isUnresolvedValue } from '../../terraform-json';

/** Interface endpoints resolve privately and carry an endpoint policy. */
export const InterfaceEndpointPrivate = defineRule({
  id: 'InterfaceEndpointPrivate',
  summary: 'Interface VPC endpoints have private DNS enabled and an endpoint policy.',
  explanation:
    'Private DNS keeps model and secret traffic on the endpoint instead of the public service address; the endpoint ' +
    'policy limits what the network path can reach, whoever signs the request.',
  fix: 'Set private_dns_enabled = true and a policy (the policy argument or an aws_vpc_endpoint_policy) naming the allowed principals and resources.',
  level: 'error',
  frameworks: [CONTROLS.csfNetwork, CONTROLS.nhiEnvironmentIsolation, CONTROLS.maestroInfrastructure],
  types: ['aws_vpc_endpoint'],
  evaluate(resource, { stack }) {
    const type = resource.values.vpc_endpoint_type;
    if (isUnresolvedValue(type)) return cannotVerify('vpc_endpoint_type is an expression');
    if (type !== 'Interface') return notApplicable;
    const problems: string[] = [];
    const dns = boolValue(resource.values.private_dns_enabled);
    if (dns !== true && dns !== 'unresolved') problems.push('private_dns_enabled is not true');
    const separatePolicy = stack.referencing('aws_vpc_endpoint_policy', 'vpc_endpoint_id', resource).length > 0;
    if (!isConfigured(stack, resource, 'policy') && !separatePolicy) problems.push('no endpoint policy');
    if (problems.length) return nonCompliant(problems.join('; '));
    return dns === 'unresolved' ? cannotVerify('private_dns_enabled is an expression') : compliant;
  },
});
