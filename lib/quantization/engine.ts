/**
 * Which int8 engine runs quantized models here. The addon picks it from the engines LibTorch
 * was built with (ONEDNN on Debian's 1.13, X86 or FBGEMM on official 2.x builds); QNNPACK is
 * never used on x86, where it runs slower than float32 (see LIBTORCH-NOTES.md).
 */
import { TorchError } from '../errors.js';
import { getBinding } from '../models/engine.js';

/**
 * The int8 engine's name (`onednn`, `x86`, `fbgemm`).
 * @throws {TorchError} `ERR_TORCH` when this LibTorch has no int8 engine torch-lstm uses;
 *   `ERR_NATIVE_LOAD` when the addon cannot be loaded.
 */
export function int8Engine(): string {
  const v = getBinding().versions();
  if (v.int8Engine) return v.int8Engine;
  throw new TorchError(
    'ERR_TORCH',
    `int8 quantization is not available: the LibTorch ${v.torch} torch-lstm runs on has no int8 engine it uses ` +
      '(it needs ONEDNN, X86 or FBGEMM; QNNPACK is left out on x86, where it runs slower than float32). ' +
      "Use Debian's libtorch (ONEDNN) or an official LibTorch 2.x build (X86/FBGEMM), and keep the float model meanwhile",
  );
}
