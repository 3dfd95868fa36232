import { CONTROLS } from '../../frameworks';
import { compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isSet } from '../../terraform-json';

/** Secret values never appear in the configuration or in Terraform state: write-only arguments only. */
export const SecretValueNotInState = defineRule({
  id: 'SecretValueNotInState',
  summary: 'Secret versions use write-only secret_string_wo, never secret_string or secret_binary.',
  explanation:
    'secret_string and secret_binary are stored in Terraform state (and in the synthesized JSON when literal), where ' +
    'everyone who can read state can read the secret. Terraform >= 1.11 write-only arguments keep it out.',
  fix: 'Use secret_string_wo with secret_string_wo_version, or let the rotation function set the value.',
  level: 'error',
  frameworks: [CONTROLS.nhiSecrets],
  types: ['aws_secretsmanager_secret_version'],
  evaluate(resource) {
    const stored = ['secret_string', 'secret_binary'].filter((k) => isSet(resource.values[k]));
    return stored.length ? nonCompliant(`${stored.join(' and ')} put the secret value in Terraform state`) : compliant;
  },
});
