// kiln.data: datasets and loaders.
export { TensorDataset } from './dataset';
export type { Dataset } from './dataset';
export { DataLoader } from './loader';
export type { DataLoaderOptions } from './loader';
export { mnist } from './mnist';
