/** Data classification of what a workload processes, from least to most sensitive. */
export type DataClassification = 'public' | 'internal' | 'confidential' | 'restricted';

export const DATA_CLASSIFICATIONS: readonly DataClassification[] = ['public', 'internal', 'confidential', 'restricted'];
