import type { QuotaDefinition } from './quota-definition';
import { formatCount } from './quota-usage';
import { SERVICE_QUOTAS } from './quota-table';

/**
 * The quota table as Markdown, for README "Quotas" (scripts/quota-readme.ts writes it there and a
 * test keeps the README equal to it).
 */

const SCOPES: Record<QuotaDefinition['scope'], string> = {
  api: 'per REST API',
  'api-key': 'per API key',
  role: 'per role',
  'security-group': 'per security group and direction',
  'kms-key': 'per KMS key',
  policy: 'per policy',
  vpc: 'per VPC',
  'account-region': 'per account and Region',
  account: 'per account',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function sources(source: string): string {
  return (source.match(/https:\/\/\S+/g) ?? []).map((url, i) => `[AWS${i ? ` ${i + 1}` : ''}](${url})`).join(', ');
}

function limit(q: QuotaDefinition): string {
  const unit = q.unit === 'count' ? '' : ` ${q.unit}`;
  return `${formatCount(q.default)}${unit}`;
}

function adjustable(q: QuotaDefinition): string {
  if (!q.adjustable) return 'no';
  return q.maximum === undefined ? 'yes' : `yes, to ${formatCount(q.maximum)}`;
}

export function quotaTableMarkdown(quotas: readonly QuotaDefinition[] = SERVICE_QUOTAS): string {
  const header = '| id | AWS quota | scope | default | adjustable | what counts | source |\n|---|---|---|---|---|---|---|';
  const rows = quotas.map((q) => `| \`${q.id}\` | ${cell(`${q.service}: ${q.name}`)} | ${SCOPES[q.scope]} | ${limit(q)} | ${adjustable(q)} | ${cell(q.measure.description)} | ${sources(q.source)} |`);
  return `${header}\n${rows.join('\n')}\n`;
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. @throws Error when the markers are missing */
export function replaceBetweenMarkers(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = document.indexOf(start);
  const j = document.indexOf(end);
  if (i < 0 || j < i) throw new Error(`the document has no ${start} ... ${end} block`);
  return `${document.slice(0, i + start.length)}\n${content}${document.slice(j)}`;
}

/** The text between the markers (what replaceBetweenMarkers wrote). */
export function betweenMarkers(document: string, name: string): string | undefined {
  const start = `<!-- ${name}:start -->`;
  const i = document.indexOf(start);
  const j = document.indexOf(`<!-- ${name}:end -->`);
  return i < 0 || j < i ? undefined : document.slice(i + start.length + 1, j);
}
