/** Rules that protect governance: one file each; this file only re-exports. */
export { GovernanceTags } from './GovernanceTags';
export { REVIEW_WARNING_DAYS, ReviewDueSoon } from './ReviewDueSoon';
export { RouteEntryOwnership } from './RouteEntryOwnership';
