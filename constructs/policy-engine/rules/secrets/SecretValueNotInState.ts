import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isConfigured, isUnresolvedValue } from '../../terraform-json';
import table from './write-only-arguments.json';

/**
 * Every secret argument of the pinned AWS provider that has a write-only twin: derived from the
 * provider schema (`terraform providers schema -json`) by scripts/derive/write-only-arguments.ts.
 */
export const WRITE_ONLY_ARGUMENTS: readonly { readonly type: string; readonly argument: string; readonly writeOnly: string; readonly version?: string }[] =
  table.arguments;

/** Secret arguments with no write-only twin that are stored in state all the same, and the argument to use instead. */
const WITHOUT_TWIN: readonly { readonly type: string; readonly argument: string; readonly writeOnly: string; readonly version?: string }[] = [
  { type: 'aws_secretsmanager_secret_version', argument: 'secret_binary', writeOnly: 'secret_string_wo', version: 'secret_string_wo_version' },
];

const BY_TYPE = new Map<string, (typeof WRITE_ONLY_ARGUMENTS)[number][]>();
for (const a of [...WRITE_ONLY_ARGUMENTS, ...WITHOUT_TWIN]) BY_TYPE.set(a.type, [...(BY_TYPE.get(a.type) ?? []), a]);

/** An SSM parameter holds a secret when it is a SecureString; a String parameter is configuration (the environment contract). */
const SSM_SECRET_TYPE = 'SecureString';

/** Secret values never appear in the configuration or in Terraform state: write-only arguments only. */
export const SecretValueNotInState = defineRule({
  id: 'SecretValueNotInState',
  summary: 'Secret arguments use their write-only twin (secret_string_wo, value_wo, password_wo, ...): no secret value in Terraform state.',
  explanation:
    'An argument such as secret_string, a SecureString parameter value or a database password is stored in the plan and in ' +
    'Terraform state (and in the synthesized JSON when literal), where everyone who can read state can read the secret. ' +
    'Terraform >= 1.11 write-only arguments are sent to AWS and never stored. The resource types and arguments come from ' +
    'the pinned provider\'s schema.',
  fix: 'Use the write-only argument with its version argument (secret_string_wo + secret_string_wo_version, value_wo + value_wo_version, password_wo + password_wo_version, ...), or let a rotation function set the value.',
  level: 'error',
  frameworks: [CONTROLS.nhiSecretLeakage, CONTROLS.nhiLongLivedSecrets, CONTROLS.csfDataAtRest, CONTROLS.maestroInfrastructure],
  types: [...BY_TYPE.keys()],
  evaluate(resource, { stack }) {
    if (resource.type === 'aws_ssm_parameter') {
      const type = resource.values.type;
      if (isUnresolvedValue(type)) return cannotVerify('type is an expression; cannot tell whether the parameter is a SecureString');
      if (type !== SSM_SECRET_TYPE) return notApplicable;
    }
    const stored = (BY_TYPE.get(resource.type) ?? []).filter((a) => isConfigured(stack, resource, a.argument));
    if (stored.length === 0) return compliant;
    return nonCompliant(
      stored
        .map((a) => `${a.argument} puts the secret value in Terraform state; use ${a.writeOnly}${a.version ? ` with ${a.version}` : ''}`)
        .join('; '),
    );
  },
});
