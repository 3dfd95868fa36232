import type { Inventory, InventoryIdentity } from '../constructs/policy-engine/inventory/identities';

/** The inventory as Markdown (for people and pull requests), CSV (for spreadsheets) and JSON. */

function cell(v: string): string {
  return (v === '' ? '—' : v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(headers: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return '_none_\n';
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

function days(i: InventoryIdentity): string {
  if (i.daysLeft === null) return 'no date';
  if (i.daysLeft < 0) return `${-i.daysLeft} overdue`;
  return String(i.daysLeft);
}

function revocation(i: InventoryIdentity): string {
  return i.revoked ? `revoked by ${i.revokedBy ?? '?'} at ${i.revokedAt ?? '?'}: ${i.revokedReason ?? ''}` : 'active';
}

export function inventoryMarkdown(inv: Inventory, options: { readonly due?: boolean } = {}): string {
  const due = inv.identities.filter((i) => i.review !== 'ok');
  const out = [`# AI identity inventory (${inv.today})\n`];
  out.push(
    `${inv.identities.length} governed identities (${inv.identities.reduce((n, i) => n + i.roles.length, 0)} roles) · ` +
      `${due.length} due for review within ${inv.windowDays} days, overdue or undated · ${inv.ungoverned.length} ungoverned · ` +
      `${inv.sources.length} inputs\n`,
  );
  if (options.due) out.push(due.length || inv.ungoverned.length ? '**Reviews are due.**\n' : '**No review is due.**\n');
  out.push('## Governed identities\n');
  out.push(
    table(
      ['environment', 'workload', 'kind', 'owner', 'accountable', 'approver', 'revoker', 'review-by', 'days left', 'review', 'classification', 'tenants', 'models', 'tools', 'secrets', 'state', 'roles'],
      inv.identities.map((i) => [
        i.environment, i.workload, i.kind, i.owner, i.accountable, i.approver, i.revoker, i.reviewBy, days(i), i.review, i.dataClassification,
        i.tenants.join(', '), i.models.join(', '), i.tools.join(', '), i.secrets.join(', '), revocation(i), i.roles.map((r) => r.name).join(', '),
      ]),
    ),
  );
  out.push(`## Due for review (within ${inv.windowDays} days, overdue, or without a date)\n`);
  out.push(table(['environment', 'workload', 'review-by', 'days left', 'ask', 'review'], due.map((i) => [i.environment, i.workload, i.reviewBy, days(i), i.approver, i.review])));
  out.push('## Ungoverned identities\n');
  out.push('Identities in the inputs without the governance tags: nobody is named for them and no review date applies.\n');
  out.push(table(['type', 'name', 'stack', 'address', 'missing', 'trusts', 'input'], inv.ungoverned.map((u) => [u.type, u.name, u.stack, u.address, u.missingTags.join(', '), u.trustedPrincipals.join(', '), u.source])));
  const conflicts = inv.identities.filter((i) => i.conflicts.length);
  if (conflicts.length) {
    out.push('## Facts that differ between inputs\n');
    for (const i of conflicts) out.push(`- ${i.environment}/${i.workload}: ${i.conflicts.join('; ')}`);
    out.push('');
  }
  out.push('## What each identity can touch\n');
  for (const i of inv.identities) {
    out.push(`### ${i.environment}/${i.workload}\n`);
    out.push(i.permissions.length ? i.permissions.map((p) => `- ${p}`).join('\n') + '\n' : '_no readable permission_\n');
  }
  out.push('## Inputs\n');
  out.push(table(['input', 'kind', 'stack', 'roles'], inv.sources.map((s) => [s.file, s.kind, s.stack, String(s.roles)])));
  return out.join('\n');
}

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with `'` (OWASP CSV injection). */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'governed', 'environment', 'workload', 'kind', 'owner', 'accountable', 'approver', 'revoker', 'review_by', 'days_left', 'review',
  'data_classification', 'tenants', 'models', 'tools', 'secrets', 'revoked', 'revoked_by', 'revoked_at', 'revoked_reason', 'roles', 'missing_tags', 'sources',
] as const;

/** One row per governed identity, then one per ungoverned identity (`governed` = no). Lists are separated by `;`. */
export function inventoryCsv(inv: Inventory): string {
  const rows: (string | number | null)[][] = [[...CSV_COLUMNS]];
  for (const i of inv.identities) {
    rows.push([
      'yes', i.environment, i.workload, i.kind, i.owner, i.accountable, i.approver, i.revoker, i.reviewBy, i.daysLeft, i.review,
      i.dataClassification, i.tenants.join(';'), i.models.join(';'), i.tools.join(';'), i.secrets.join(';'), i.revoked ? 'yes' : 'no',
      i.revokedBy ?? '', i.revokedAt ?? '', i.revokedReason ?? '', i.roles.map((r) => r.name).join(';'), '', i.sources.join(';'),
    ]);
  }
  for (const u of inv.ungoverned) {
    rows.push(['no', '', '', '', '', '', '', '', '', null, 'unknown', '', '', '', '', '', '', '', '', '', u.name, u.missingTags.join(';'), u.source]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
