/**
 * `model.summary()`: Keras's layer table (with the "Connected to" column for functional models),
 * plus which recurrent kernel the engine runs and why.
 */
import type { Layer, Shape } from '../layers/layer.js';
import type { NativeLayerInfo } from '../native.js';
import type { Architecture } from './architecture.js';

/** `(None, 10, 64)`: a shape as Keras prints it. */
export function kerasShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** `16,896`. */
export function commas(n: number): string {
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

/** Lines of one table row: cells may span several lines (`\n`), as Keras wraps them. */
function rowLines(cells: readonly string[], widths: readonly number[]): string[] {
  const parts = cells.map((c) => c.split('\n'));
  const height = Math.max(...parts.map((p) => p.length));
  const out: string[] = [];
  for (let k = 0; k < height; k++) out.push(parts.map((p, i) => ` ${p[k] ?? ''}`.padEnd(widths[i]!)).join('').trimEnd());
  return out;
}

/** One table row of a layer: `[name (class), output shape, params, ...more]`. */
export type SummaryRow = string[];

/**
 * A Keras summary table: the header, a row per layer (cells may span lines), the parameter
 * counts, and which recurrent kernel the engine runs for each recurrent layer.
 */
export function summaryTable(
  name: string,
  header: readonly string[],
  minWidths: readonly number[],
  rows: readonly SummaryRow[],
  params: number,
  recurrent: readonly { label: string; kernel: NonNullable<NativeLayerInfo['kernel']> }[],
): string {
  const widths = minWidths.map((min, c) =>
    Math.max(min, ...[header, ...rows].flatMap((r) => r[c]!.split('\n').map((line) => line.length + 3))),
  );
  const total = widths.reduce((a, b) => a + b, 0);
  const thin = '_'.repeat(total);
  const thick = '='.repeat(total);
  const out: string[] = [`Model: "${name}"`, thin, ...rowLines(header, widths), thick];
  rows.forEach((r, i) => {
    out.push(...rowLines(r, widths));
    out.push(i === rows.length - 1 ? thick : thin);
  });
  if (rows.length === 0) out.push(thick);
  out.push(`Total params: ${commas(params)} (${memorySize(params * 4)})`);
  out.push(`Trainable params: ${commas(params)} (${memorySize(params * 4)})`);
  out.push(`Non-trainable params: 0 (${memorySize(0)})`);
  if (recurrent.length > 0) {
    out.push(thin);
    out.push('Recurrent kernels (training / inference):');
    for (const { label, kernel: k } of recurrent) {
      const which = k.training === k.inference ? k.training : `${k.training} / ${k.inference}`;
      out.push(` ${label}: ${which}${k.reason ? ` - ${k.reason}` : ''}`);
    }
  }
  out.push(thin);
  return out.join('\n');
}

/** `(None, 5)`, or `[(None, 5), (None, 5), (None, 5)]` for a layer with several outputs. */
export function outputShapeText(shapes: readonly Shape[]): string {
  return shapes.length === 1 ? kerasShape(shapes[0]!) : `[${shapes.map(kerasShape).join(', ')}]`;
}

/**
 * The summary text of a Sequential model. `arch` is absent while the model cannot be built (no
 * inputShape yet): shapes print as `?` and parameters as `0 (unbuilt)`, as Keras 3 prints them.
 * `kernels` maps a layer name to the engine's kernel choice (from `describe()`).
 */
export function summaryText(
  name: string,
  layers: readonly Layer[],
  arch: Architecture | undefined,
  kernels: ReadonlyMap<string, NonNullable<NativeLayerInfo['kernel']>>,
): string {
  const rows: SummaryRow[] = layers.map((layer, i) => {
    const built = arch?.layers[i];
    return [`${layer.name} (${layer.className})`, built ? outputShapeText(built.outputShapes) : '?', built ? commas(built.params) : '0 (unbuilt)'];
  });
  const recurrent = layers.filter((l) => kernels.has(l.name)).map((l) => ({ label: `${l.name} (${l.className})`, kernel: kernels.get(l.name)! }));
  return summaryTable(name, ['Layer (type)', 'Output Shape', 'Param #'], [29, 26, 12], rows, arch?.totalParams ?? 0, recurrent);
}
