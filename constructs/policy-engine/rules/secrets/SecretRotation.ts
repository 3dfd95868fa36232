import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable, RuleOutcome } from '../../rule-engine';
import { TAG_KEYS } from '../../../governance/tags';
import { defineRule } from '../../rule-helpers';
import { blocks, isUnresolvedValue, numberValue, TfResource } from '../../terraform-json';

export const MAX_ROTATION_DAYS = 90;

function rotationDays(rotation: TfResource): number | 'unresolved' | undefined {
  for (const rules of blocks(rotation.values.rotation_rules)) {
    const expr = rules.schedule_expression;
    if (typeof expr === 'string' && expr !== '' && !isUnresolvedValue(expr)) {
      const rate = /^rate\((\d+)\s+(day|days|hour|hours)\)$/.exec(expr.trim());
      if (!rate) return 'unresolved';
      return rate[2].startsWith('hour') ? Number(rate[1]) / 24 : Number(rate[1]);
    }
    const days = numberValue(rules.automatically_after_days);
    if (days !== undefined) return days;
    if (isUnresolvedValue(expr)) return 'unresolved';
  }
  return isUnresolvedValue(rotation.values.rotation_rules) ? 'unresolved' : undefined;
}

/** Every secret has a rotation schedule of at most 90 days. */
export const SecretRotation = defineRule({
  id: 'SecretRotation',
  summary: 'Secrets Manager secrets rotate at least every 90 days.',
  explanation: 'A secret that never rotates is a long-lived credential: once copied it works until someone notices.',
  fix: 'Add an aws_secretsmanager_secret_rotation with rotation_rules.automatically_after_days <= 90 (RotatingSecret does this).',
  level: 'error',
  frameworks: [CONTROLS.nhiLongLivedSecrets, CONTROLS.csfIdentities, CONTROLS.maestroInfrastructure],
  types: ['aws_secretsmanager_secret'],
  evaluate(secret, { stack }): RuleOutcome {
    // A revoked workload's secrets stop rotating on purpose: nobody may use them any more, and a
    // rotation would mint a fresh, working credential (an API key back on its usage plan).
    if (typeof secret.effectiveTags[TAG_KEYS.revokedAt] === 'string') return notApplicable;
    const rotations = stack.referencing('aws_secretsmanager_secret_rotation', 'secret_id', secret);
    if (rotations.length === 0) return nonCompliant('no aws_secretsmanager_secret_rotation refers to this secret');
    let unknown = false;
    for (const rotation of rotations) {
      const days = rotationDays(rotation);
      if (days === 'unresolved') unknown = true;
      else if (days !== undefined && days <= MAX_ROTATION_DAYS) return compliant;
      else if (days !== undefined) return nonCompliant(`${rotation.address} rotates every ${days} days, more than ${MAX_ROTATION_DAYS}`);
    }
    return unknown
      ? cannotVerify('the rotation schedule is an expression or a cron schedule; use rate(N days) or automatically_after_days')
      : nonCompliant('the rotation has no schedule');
  },
});
