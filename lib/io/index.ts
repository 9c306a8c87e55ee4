// Checkpoints in the safetensors format.
export { save } from './save';
export { load } from './load';
