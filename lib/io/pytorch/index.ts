/**
 * Weight exchange with PyTorch: a model's weights as a PyTorch `state_dict` (names
 * `<layer>.weight_ih_l0`, ..., `<layer>.weight`; PyTorch's layouts), in memory or as a
 * safetensors file, both ways.
 */
export {
  fromPytorchStateDict, loadStateDict, saveStateDict, toPytorchStateDict,
  type LoadStateDictArgs, type SaveStateDictArgs, type StateDictArgs,
} from './state-dict.js';
export type { PytorchModuleRef } from './converter.js';
