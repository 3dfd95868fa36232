/** ARNs the platform and workloads both build; one spelling each. */
export function bedrockModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

export function eksClusterArn(region: string, accountId: string, clusterName: string): string {
  return `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`;
}
