/**
 * The one place `lib/models` reaches the addon. Tests swap in a fake binding here, so
 * `native.ts` stays the addon's typed interface and nothing more.
 */
import { createRequire } from 'node:module';
import { binding, type NativeBinding } from '../native.js';

let override: NativeBinding | undefined;

/**
 * Replaces the addon with `fake` for unit tests (`undefined` restores the real one).
 * @internal
 */
export function setBindingForTests(fake: NativeBinding | undefined): void {
  override = fake;
}

/** The binding models use: the fake when a test set one, else the addon (loaded once). */
export function getBinding(): NativeBinding {
  return override ?? binding();
}

/** Versions of torch-lstm, of the LibTorch it runs on, and of the addon; `cuda`: whether CUDA is usable. */
export interface Versions {
  torchLstm: string;
  torch: string;
  addon: string;
  cuda: boolean;
}

/**
 * What runs underneath: the package, LibTorch and addon versions, and CUDA availability.
 *
 * @example
 * versions(); // { torchLstm: '0.1.0', torch: '1.13.1', addon: '0.1.0', cuda: false }
 * @throws {TorchError} `ERR_NATIVE_LOAD` when the addon cannot be loaded.
 */
export function versions(): Versions {
  const require = createRequire(import.meta.url);
  const pkg = require('../../package.json') as { version: string };
  const native = getBinding().versions();
  return { torchLstm: pkg.version, torch: native.torch, addon: native.addon, cuda: native.cuda };
}
