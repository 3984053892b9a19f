/**
 * `model.summary()`: Keras's layer table, plus which LSTM kernel the engine runs and why.
 */
import type { AnyLayer } from '../layers/index.js';
import type { NativeLayerInfo } from '../native.js';
import type { Architecture } from './architecture.js';

/** `(None, 10, 64)`: a shape as Keras prints it. */
export function kerasShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

function commas(n: number): string {
  return n.toLocaleString('en-US');
}

/** Keras's `readable_memory_size`: `114.63 KB`. */
export function memorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${size.toFixed(2)} ${units[unit]}`;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => ` ${c}`.padEnd(widths[i]!)).join('').trimEnd();
}

/**
 * The summary text. `arch` is absent while the model cannot be built (no inputShape yet):
 * shapes print as `?` and parameters as `0 (unbuilt)`, as Keras 3 prints them.
 * `kernels` maps a layer name to the engine's kernel choice (from `describe()`).
 */
export function summaryText(
  name: string,
  layers: readonly AnyLayer[],
  arch: Architecture | undefined,
  kernels: ReadonlyMap<string, NonNullable<NativeLayerInfo['kernel']>>,
): string {
  const rows: string[][] = layers.map((layer, i) => {
    const built = arch?.layers[i];
    const shape = built
      ? built.outputShapes.length === 1
        ? kerasShape(built.outputShapes[0]!)
        : `[${built.outputShapes.map(kerasShape).join(', ')}]`
      : '?';
    return [`${layer.name} (${layer.className})`, shape, built ? commas(built.params) : '0 (unbuilt)'];
  });
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [29, 26, 12].map((min, c) => Math.max(min, ...[header, ...rows].map((r) => r[c]!.length + 3)));
  const total = widths.reduce((a, b) => a + b, 0);
  const thin = '_'.repeat(total);
  const thick = '='.repeat(total);
  const out: string[] = [`Model: "${name}"`, thin, row(header, widths), thick];
  rows.forEach((r, i) => {
    out.push(row(r, widths));
    out.push(i === rows.length - 1 ? thick : thin);
  });
  if (rows.length === 0) out.push(thick);
  const params = arch?.totalParams ?? 0;
  out.push(`Total params: ${commas(params)} (${memorySize(params * 4)})`);
  out.push(`Trainable params: ${commas(params)} (${memorySize(params * 4)})`);
  out.push(`Non-trainable params: 0 (${memorySize(0)})`);
  const recurrent = layers.filter((l) => kernels.has(l.name));
  if (recurrent.length > 0) {
    out.push(thin);
    out.push('Recurrent kernels (training / inference):');
    for (const layer of recurrent) {
      const k = kernels.get(layer.name)!;
      const which = k.training === k.inference ? k.training : `${k.training} / ${k.inference}`;
      out.push(` ${layer.name} (${layer.className}): ${which}${k.reason ? ` - ${k.reason}` : ''}`);
    }
  }
  out.push(thin);
  return out.join('\n');
}
