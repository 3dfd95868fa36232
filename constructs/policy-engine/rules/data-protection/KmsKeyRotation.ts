import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue, isUnresolvedValue } from '../../terraform-json';

/** Symmetric customer managed keys rotate their key material. */
export const KmsKeyRotation = defineRule({
  id: 'KmsKeyRotation',
  summary: 'Symmetric KMS keys have automatic rotation enabled.',
  explanation: 'Rotating key material limits how much data one compromised key version protects.',
  fix: 'Set enable_key_rotation = true.',
  level: 'error',
  frameworks: [CONTROLS.nhiLongLivedSecrets, CONTROLS.csfDataAtRest, CONTROLS.maestroInfrastructure],
  types: ['aws_kms_key'],
  evaluate(resource) {
    const spec = resource.values.customer_master_key_spec;
    if (isUnresolvedValue(spec)) return cannotVerify('customer_master_key_spec is an expression');
    if (typeof spec === 'string' && spec !== 'SYMMETRIC_DEFAULT') return notApplicable;
    const rotation = boolValue(resource.values.enable_key_rotation);
    if (rotation === 'unresolved') return cannotVerify('enable_key_rotation is an expression');
    return rotation === true ? compliant : nonCompliant('enable_key_rotation is not true');
  },
});
