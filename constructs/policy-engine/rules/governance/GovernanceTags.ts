import { AWS_TAGGABLE_TYPES } from '../../aws-taggable-types';
import { isoDateToMs } from '../../exceptions';
import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { REQUIRED_TAG_KEYS, TAG_KEYS } from '../../../governance/tags';
import { isSet, isUnresolvedValue } from '../../terraform-json';

/** Every taggable AWS resource carries the governance tags, and its review-by date has not passed. */
export const GovernanceTags = defineRule({
  id: 'GovernanceTags',
  summary: 'Every taggable AWS resource carries the governance tags and a review-by date that has not passed.',
  explanation:
    'Owner, accountable, approver, revoker, environment, workload, data classification and review-by tell a reviewer ' +
    'who answers for a resource and when its access must be looked at again. Provider default_tags count.',
  fix: 'Set the governance tags through the provider default_tags (governanceTags()) or the resource tags, and renew the review-by date.',
  level: 'error',
  frameworks: [CONTROLS.nhiOffboarding, CONTROLS.rmfInventory, CONTROLS.rmfRoles, CONTROLS.csfRolesAuthorities, CONTROLS.csfLifecycle, CONTROLS.asiIdentityPrivilege, CONTROLS.maestroSecurity],
  types: (type) => AWS_TAGGABLE_TYPES.has(type),
  evaluate(resource, { now }) {
    if (resource.tagsUnresolved) return cannotVerify('tags is an expression; the governance tags cannot be read');
    const tags = resource.effectiveTags;
    const missing = REQUIRED_TAG_KEYS.filter((k) => !isSet(tags[k]));
    if (missing.length) return nonCompliant(`missing tags ${missing.join(', ')}`);
    const reviewBy = tags[TAG_KEYS.reviewBy];
    if (isUnresolvedValue(reviewBy)) return cannotVerify(`${TAG_KEYS.reviewBy} is an expression`);
    const date = isoDateToMs(reviewBy);
    if (date === undefined) return nonCompliant(`${TAG_KEYS.reviewBy} ${JSON.stringify(reviewBy)} is not an ISO date YYYY-MM-DD`);
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    if (date < today) return nonCompliant(`${TAG_KEYS.reviewBy} ${String(reviewBy)} has passed; review the access and set a new date`);
    return compliant;
  },
});
