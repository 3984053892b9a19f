/**
 * Where a model computes, chosen when it is created: `device` and `deterministic`. Not part of
 * the model's architecture (a saved model is device-free); the engine checks the device when it
 * builds the model, so asking for CUDA where there is none is a `TorchError` with code
 * `ERR_CUDA_UNAVAILABLE` at the first compile/fit/predict.
 */
import { boolean, describe } from '../validate.js';

/** `'cpu'`, `'cuda'` (the first GPU), `'cuda:N'`, or `'auto'` (CUDA when LibTorch sees a GPU, else CPU). */
export type Device = 'cpu' | 'cuda' | `cuda:${number}` | 'auto';

/** Device options of `sequential(layers, args)` and `model(args)`. */
export interface DeviceArgs {
  /**
   * Where the model's weights live and its math runs. On CUDA the LSTM/GRU layers use cuDNN's
   * fused kernels when the math allows (as on CPU), data moves to the GPU once per `fit`, and
   * results come back as ordinary tensors. Defaults to `'cpu'`.
   */
  device?: Device;
  /**
   * Deterministic kernels (cuDNN determinism on CUDA; LibTorch's deterministic algorithms, which
   * warn where none exists). Same seed, same results, usually a little slower. A process-wide
   * LibTorch setting, applied when the model is built. Defaults to `false`.
   */
  deterministic?: boolean;
}

/** The engine options, fully defaulted. */
export interface EngineOptions {
  device: Device;
  deterministic: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({ device: 'cpu', deterministic: false });

/** The option names {@link engineOptions} reads (for the callers' `checkOptions`). */
export const ENGINE_OPTION_KEYS = ['device', 'deterministic'] as const;

/** Validates the device options found in `args` (other keys are the caller's); `path` names them. */
export function engineOptions(args: Record<string, unknown> | undefined, path: string): EngineOptions {
  if (args === undefined) return { ...DEFAULT_ENGINE_OPTIONS };
  const device = args.device === undefined ? 'cpu' : args.device;
  if (typeof device !== 'string' || !/^(cpu|cuda|cuda:\d+|auto)$/.test(device)) {
    throw new RangeError(`Expected 'cpu', 'cuda', 'cuda:N' or 'auto' for ${path}.device but received ${describe(device)}`);
  }
  const deterministic = args.deterministic === undefined ? false : boolean(args.deterministic, `${path}.deterministic`);
  return { device: device as Device, deterministic };
}

