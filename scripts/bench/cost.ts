import * as fs from 'fs';
import * as path from 'path';

/**
 * Monthly AWS cost of the governance layer: the shared pieces one environment pays once (read
 * from the synthesized platform stack) against the dedicated pieces each workload adds (the
 * resources one more GovernedInferenceService synthesizes), priced from prices.json.
 */
interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}
export interface PriceTable {
  readonly region: string;
  readonly hoursPerMonth: number;
  readonly prices: Record<string, Price>;
  readonly notPriced: Record<string, string>;
  readonly usagePerWorkload: { requestsPerMonth: number; logGbPerMonth: number; secretReadsPerMonth: number; endpointGbPerMonth: number };
}
export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly usd: number;
  readonly priceKey: string;
}
export interface CostReport {
  readonly shared: CostLine[];
  readonly dedicated: CostLine[];
  readonly sharedUsd: number;
  readonly marginalUsd: number;
  readonly unpriced: string[];
}

export function loadPrices(): PriceTable {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'prices.json'), 'utf8')) as PriceTable;
}

type TfJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

/**
 * @param platform the synthesized platform stack (one environment's shared pieces)
 * @param perWorkload resources one more workload adds, by type (from the scaling run's slope)
 * @param workloadLogRetentionDays retention of a workload's log group, for steady-state storage
 */
export function costReport(prices: PriceTable, platform: TfJson, perWorkload: Record<string, number>, workloadLogRetentionDays: number): CostReport {
  const p = (key: string) => {
    const price = prices.prices[key];
    if (!price) throw new Error(`prices.json has no price "${key}"`);
    return price.usd;
  };
  const resources = platform.resource ?? {};
  const count = (type: string) => Object.keys(resources[type] ?? {}).length;
  const interfaceEndpoints = Object.values(resources.aws_vpc_endpoint ?? {}).filter((e) => e.vpc_endpoint_type === 'Interface');
  const endpointAzs = interfaceEndpoints.reduce((n, e) => n + ((e.subnet_ids as unknown[] | undefined)?.length ?? 1), 0);
  const shared: CostLine[] = [
    { item: 'customer managed KMS key', quantity: `${count('aws_kms_key')} key`, usd: count('aws_kms_key') * p('kmsKeyMonth'), priceKey: 'kmsKeyMonth' },
    {
      item: 'interface VPC endpoints',
      quantity: `${interfaceEndpoints.length} endpoints x ${endpointAzs / Math.max(1, interfaceEndpoints.length)} AZ x ${prices.hoursPerMonth} h`,
      usd: endpointAzs * prices.hoursPerMonth * p('interfaceEndpointAzHour'),
      priceKey: 'interfaceEndpointAzHour',
    },
    { item: 'platform secrets', quantity: `${count('aws_secretsmanager_secret')}`, usd: count('aws_secretsmanager_secret') * p('secretMonth'), priceKey: 'secretMonth' },
  ];
  const u = prices.usagePerWorkload;
  const secrets = perWorkload.aws_secretsmanager_secret ?? 0;
  const logGroups = perWorkload.aws_cloudwatch_log_group ?? 0;
  const dedicated: CostLine[] = [
    { item: 'per-workload secrets (gateway key)', quantity: `${secrets}`, usd: secrets * p('secretMonth'), priceKey: 'secretMonth' },
    {
      item: 'secret reads',
      quantity: `${u.secretReadsPerMonth.toLocaleString('en-US')} calls`,
      usd: (u.secretReadsPerMonth / 10_000) * p('secretApiCallsPer10k'),
      priceKey: 'secretApiCallsPer10k',
    },
    {
      item: 'KMS decrypts for those reads (shared key)',
      quantity: `${u.secretReadsPerMonth.toLocaleString('en-US')} requests`,
      usd: (u.secretReadsPerMonth / 10_000) * p('kmsRequestsPer10k'),
      priceKey: 'kmsRequestsPer10k',
    },
    {
      item: 'gateway requests (REST API)',
      quantity: `${(u.requestsPerMonth / 1e6).toLocaleString('en-US')} M requests`,
      usd: (u.requestsPerMonth / 1e6) * p('restApiMillionRequests'),
      priceKey: 'restApiMillionRequests',
    },
    {
      item: 'log ingestion',
      quantity: `${u.logGbPerMonth} GB into ${logGroups} log group`,
      usd: logGroups ? u.logGbPerMonth * p('logsIngestionGb') : 0,
      priceKey: 'logsIngestionGb',
    },
    {
      item: 'log storage at steady state',
      quantity: `${u.logGbPerMonth} GB/month x ${workloadLogRetentionDays} d retention`,
      usd: logGroups ? u.logGbPerMonth * (workloadLogRetentionDays / 30) * p('logsStorageGbMonth') : 0,
      priceKey: 'logsStorageGbMonth',
    },
    {
      item: 'endpoint data processed',
      quantity: `${u.endpointGbPerMonth} GB`,
      usd: u.endpointGbPerMonth * p('interfaceEndpointGbProcessed'),
      priceKey: 'interfaceEndpointGbProcessed',
    },
  ];
  const present = new Set([...Object.keys(resources), ...Object.keys(perWorkload)]);
  const unpriced = Object.entries(prices.notPriced)
    .filter(([type]) => present.has(type) || !type.startsWith('aws_'))
    .map(([type, why]) => `${type}: ${why}`);
  const sum = (lines: CostLine[]) => lines.reduce((n, l) => n + l.usd, 0);
  return { shared, dedicated, sharedUsd: sum(shared), marginalUsd: sum(dedicated), unpriced };
}
