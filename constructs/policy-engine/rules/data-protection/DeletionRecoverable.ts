import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable, type RuleOutcome } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue, numberValue } from '../../terraform-json';

/** KMS and Secrets Manager accept 7 to 30 days; 0 (secrets only) deletes at once. */
export const RECOVERY_WINDOW = { min: 7, max: 30 } as const;

function window(attr: string, value: unknown): RuleOutcome {
  const days = numberValue(value);
  // Unset: AWS applies 30 days.
  if (days === undefined) return compliant;
  if (days === 'unresolved') return cannotVerify(`${attr} is an expression`);
  return days >= RECOVERY_WINDOW.min && days <= RECOVERY_WINDOW.max ? compliant : nonCompliant(`${attr} is ${days}; allowed ${RECOVERY_WINDOW.min} to ${RECOVERY_WINDOW.max} days`);
}

/**
 * What holds data survives a mistaken destroy: KMS keys and secrets keep a recovery window (never
 * immediate deletion), and an object-locked archive is never force-destroyed. Read from values a
 * plan has too, so synth and review agree (prevent_destroy is a meta-argument no plan shows).
 */
export const DeletionRecoverable = defineRule({
  id: 'DeletionRecoverable',
  summary: 'KMS keys and secrets keep a 7-30 day recovery window; object-locked buckets are never force-destroyed.',
  explanation:
    'A key deleted at once makes everything it encrypted unreadable, a secret deleted without recovery is gone, and force_destroy empties a locked audit archive before deleting it. A recovery window turns a mistaken destroy (a renamed construct id, an override) into one that can be cancelled.',
  fix: 'Keep deletion_window_in_days and recovery_window_in_days between 7 and 30 (30 in production) and force_destroy = false on object-locked buckets (GovernedEnvironment and RotatingSecret do this).',
  level: 'error',
  frameworks: [CONTROLS.csfDataAtRest, CONTROLS.csfBackups, CONTROLS.rmfDecommissioning, CONTROLS.maestroData],
  types: ['aws_kms_key', 'aws_secretsmanager_secret', 'aws_s3_bucket'],
  evaluate(resource) {
    if (resource.type === 'aws_kms_key') return window('deletion_window_in_days', resource.values.deletion_window_in_days);
    if (resource.type === 'aws_secretsmanager_secret') return window('recovery_window_in_days', resource.values.recovery_window_in_days);
    const locked = boolValue(resource.values.object_lock_enabled);
    if (locked === 'unresolved') return cannotVerify('object_lock_enabled is an expression');
    if (locked !== true) return notApplicable;
    const force = boolValue(resource.values.force_destroy);
    if (force === 'unresolved') return cannotVerify('force_destroy is an expression');
    return force === true ? nonCompliant('force_destroy is true on an object-locked bucket') : compliant;
  },
});
