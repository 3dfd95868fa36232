/** Rules that protect capacity (deployability within AWS service quotas): one file each; this file only re-exports. */
export { QUOTA_WARNING_PERCENT, ServiceQuotaHeadroom, serviceQuotaHeadroom } from './ServiceQuotaHeadroom';
