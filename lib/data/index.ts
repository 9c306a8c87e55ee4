// kiln.data: datasets, loaders and transforms.
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, randomSplit } from './dataset';
export type { TensorDatasetOptions } from './dataset';
export { DataLoader, AsyncDataLoader, defaultCollate } from './loader';
export type { DataLoaderOptions, AsyncDataLoaderOptions, AsyncSource, Sample } from './loader';
export * as transforms from './transforms';
export { mnist } from './mnist';
