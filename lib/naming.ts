// Naming between kiln's camelCase properties and PyTorch's snake_case state-dict keys, used by
// both nn (module state dicts) and optim (optimizer state dicts).

/**
 * camelCase property -> PyTorch's snake_case state-dict name (runningMean -> running_mean), the
 * rule Module.stateDict names its tensors by.
 * @example kiln.nn.stateName('numBatchesTracked'); // 'num_batches_tracked'
 */
export function stateName(prop: string): string {
  return prop.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** PyTorch's snake_case option name -> kiln's camelCase (weight_decay -> weightDecay). */
export function camelName(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
