import { isoDateToMs } from '../../exceptions';
import { CONTROLS } from '../../frameworks';
import { compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { TAG_KEYS } from '../../../governance/tags';
import { isUnresolvedValue } from '../../terraform-json';

/** Days before a review-by date that synth starts warning. */
export const REVIEW_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * Early warning: an identity whose review-by date is within {@link REVIEW_WARNING_DAYS} days. Past
 * dates are GovernanceTags errors; this rule makes sure nobody meets that error unwarned. It reads
 * IAM roles (the identities whose access is reviewed), so a workload warns once per role, not once
 * per resource.
 */
export const ReviewDueSoon = defineRule({
  id: 'ReviewDueSoon',
  summary: `An identity's review-by date is more than ${REVIEW_WARNING_DAYS} days away.`,
  explanation:
    `Review cycles must keep up with machine identities: once the review-by date passes, synth and plan review fail (GovernanceTags). ` +
    `This warning starts ${REVIEW_WARNING_DAYS} days before, naming the approver who must review the access.`,
  fix: 'Ask the approver to review the identity\'s access (owner, permissions, tools, tenants), then set a new review-by date on the workload (owner.reviewBy).',
  level: 'warning',
  frameworks: [CONTROLS.nhiOffboarding, CONTROLS.rmfRoles, CONTROLS.csfRolesAuthorities, CONTROLS.csfLifecycle, CONTROLS.maestroSecurity],
  types: ['aws_iam_role'],
  evaluate(resource, { now }) {
    const tags = resource.effectiveTags;
    const reviewBy = tags[TAG_KEYS.reviewBy];
    // Absent, unreadable or malformed dates are GovernanceTags findings; not repeated here.
    if (reviewBy === undefined || isUnresolvedValue(reviewBy)) return notApplicable;
    const date = isoDateToMs(reviewBy);
    if (date === undefined) return notApplicable;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const days = Math.round((date - today) / DAY_MS);
    if (days < 0 || days > REVIEW_WARNING_DAYS) return compliant;
    const approver = tags[TAG_KEYS.approver];
    const who = typeof approver === 'string' && approver !== '' && !isUnresolvedValue(approver) ? approver : 'its approver (no governance:approver tag)';
    const workload = typeof tags[TAG_KEYS.workload] === 'string' ? ` of workload ${String(tags[TAG_KEYS.workload])}` : '';
    return nonCompliant(`review-by ${String(reviewBy)} is ${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`}: ${who} must review this identity's access${workload} before then`);
  },
});
