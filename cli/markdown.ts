import type { PlanDiff } from '../constructs/policy-engine/plan-diff';
import { findingsMarkdown, GovernanceReport } from '../constructs/policy-engine/report';

/** Markdown sized for a pull-request comment: the verdict first, then what changed and why. */

function exceptionsList(report: GovernanceReport): string {
  if (report.exceptions.length === 0) return '_none_\n';
  return report.exceptions
    .map((e) => `- **${e.ruleId}** on \`${e.constructPath}\`: ${e.state}, expires ${e.expires}, approved by ${e.approver} (${e.ticket}): ${e.reason}`)
    .join('\n') + '\n';
}

export function checkMarkdown(reports: readonly GovernanceReport[]): string {
  const failed = reports.filter((r) => !r.summary.passed);
  const out = [`# Governance check: ${failed.length ? `failed (${failed.length} of ${reports.length} stacks)` : `passed (${reports.length} stacks)`}\n`];
  out.push('| stack | resources | errors | warnings | excepted |', '| --- | --- | --- | --- | --- |');
  for (const r of reports) out.push(`| ${r.stack} | ${r.summary.resources} | ${r.summary.errors} | ${r.summary.warnings} | ${r.summary.excepted} |`);
  out.push('');
  for (const r of reports) {
    if (r.findings.length === 0 && r.exceptions.length === 0) continue;
    out.push(`## ${r.stack}\n`, findingsMarkdown(r.findings), '### Exceptions\n', exceptionsList(r));
  }
  return out.join('\n');
}

export function reviewMarkdown(report: GovernanceReport, diff: PlanDiff): string {
  const out = [`# Governance review of ${report.stack}: ${report.summary.passed ? 'passed' : 'failed'}\n`];
  out.push(`${diff.changes.length} resource changes · ${report.summary.errors} errors · ${report.summary.warnings} warnings · ${report.summary.excepted} excepted\n`);
  out.push('## Permissions added or removed\n');
  if (diff.permissions.length === 0) out.push('_none_\n');
  for (const p of diff.permissions) {
    out.push(`### \`${p.role}\`\n`);
    for (const a of p.added) out.push(`- added: ${a}`);
    for (const r of p.removed) out.push(`- removed: ${r}`);
    out.push('');
  }
  out.push('## Governance tags changed or removed\n');
  out.push(
    diff.tags.length
      ? diff.tags.map((t) => `- \`${t.address}\` ${t.key}: ${t.before ?? '(none)'} → ${t.after ?? '(removed)'}`).join('\n') + '\n'
      : '_none_\n',
  );
  out.push('## Controls weakened or newly exposed\n');
  out.push('Findings this plan introduces (rotation, logging, encryption, exposure, access), by the same rules as synth:\n');
  out.push(findingsMarkdown(diff.introduced));
  out.push('## Findings resolved by this plan\n');
  out.push(findingsMarkdown(diff.resolved));
  out.push('## Exceptions added\n');
  out.push(
    diff.exceptionsAdded.length
      ? diff.exceptionsAdded.map((e) => `- **${e.ruleId}** on \`${e.constructPath}\` until ${e.expires}, approved by ${e.approver} (${e.ticket}): ${e.reason}`).join('\n') + '\n'
      : '_none_\n',
  );
  out.push('## All findings after the change\n');
  out.push(findingsMarkdown(report.findings));
  out.push('## Resource changes\n');
  out.push(diff.changes.length ? diff.changes.map((c) => `- ${c.actions.join('/')} \`${c.address}\``).join('\n') + '\n' : '_none_\n');
  return out.join('\n');
}
