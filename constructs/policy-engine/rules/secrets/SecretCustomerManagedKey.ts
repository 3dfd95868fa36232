import { CONTROLS } from '../../frameworks';
import { compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isConfigured } from '../../terraform-json';

/** Secrets are encrypted with the environment's customer managed key, not the AWS managed one. */
export const SecretCustomerManagedKey = defineRule({
  id: 'SecretCustomerManagedKey',
  summary: 'Secrets Manager secrets use a customer managed KMS key.',
  explanation:
    'With the AWS managed key anyone allowed secretsmanager:GetSecretValue can read the secret; a customer managed key ' +
    'adds a second, auditable grant the environment controls and can revoke.',
  fix: 'Set kms_key_id to the environment key (RotatingSecret does this).',
  level: 'error',
  frameworks: [CONTROLS.nhiSecretLeakage, CONTROLS.csfDataAtRest, CONTROLS.maestroInfrastructure],
  types: ['aws_secretsmanager_secret'],
  evaluate(resource, { stack }) {
    const key = resource.values.kms_key_id;
    if (!isConfigured(stack, resource, 'kms_key_id')) return nonCompliant('kms_key_id is not set (AWS managed key)');
    if (key === 'alias/aws/secretsmanager') return nonCompliant('kms_key_id is the AWS managed key alias/aws/secretsmanager');
    return compliant;
  },
});
