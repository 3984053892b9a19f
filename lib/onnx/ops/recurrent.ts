/**
 * Keras recurrent layers (LSTM, GRU, SimpleRNN, PeepholeLSTM) -> ONNX's recurrent operators.
 *
 * - Layout: the operators run with `layout = 0` (time-major) between Transposes, because ONNX
 *   Runtime's CPU kernels reject `layout = 1`; a returned sequence stays time-major for the
 *   next layer (stacked layers skip a Transpose pair).
 * - `goBackwards`: `direction = "reverse"`. Its `Y_h` is Keras's last output; its `Y` is indexed
 *   by input time while Keras returns the sequence in processing order, so it is reversed.
 * - Initial states (a functional `apply(x, { initialState })`): `initial_h` / `initial_c`.
 * - Masks (Keras semantics, as the engine computes them: a masked step keeps the states and
 *   outputs the previous output, zeros before the first valid step). The valid steps of each
 *   sequence are moved to the front in order (a stable TopK on `t + T * masked`), the operator
 *   runs with `sequence_lens` = their count, and the returned sequence is read back at step t
 *   from the output of the last valid step up to t (`CumSum` of the mask). This is exact for
 *   any mask, right-padded or not; a sequence with no valid step keeps its initial states.
 *   With `goBackwards` the sequence and its mask are first reversed (Keras flips both).
 * - Dropout and recurrent dropout apply in training only: nothing to export. `stateful`
 *   layers carry states between calls, which a graph cannot: refused.
 */
import type { RecurrentConfig } from '../../layers/index.js';
import { attr, type GraphBuilder, type OnnxValue, reverseAxis, squeeze, toTimeMajor } from '../graph-builder.js';
import { DataType } from '../proto.js';
import { cast, dims, dimScalar, reduce, unsqueeze } from '../tensor-ops.js';
import { rnnActivationAttributes } from './activation.js';
import { type LayerExportContext, unsupported } from './exporter.js';
import { defaultFunctions, GATES, type RnnCell, STATES } from './rnn-cell.js';

/** What an operator node gives: `Y` `[T, dirs, B, H]` (when asked), `Y_h` and `Y_c` `[dirs, B, H]`. */
export interface RnnNodeOutputs {
  Y: string;
  Yh: string;
  Yc: string;
}

function concatCells(cells: readonly RnnCell[], pick: (c: RnnCell) => Float32Array | undefined, size: number): Float32Array {
  const out = new Float32Array(cells.length * size);
  cells.forEach((c, d) => {
    const data = pick(c);
    if (data) out.set(data, d * size);
  });
  return out;
}

/**
 * Adds the recurrent operator for `cells` (one per direction: `forward` / `reverse`, or both
 * for `bidirectional`) over the time-major sequence `x`.
 * @param initial per state (h, then c), its initial value `[dirs, B, H]` or `''` for zeros.
 */
export function rnnNode(
  g: GraphBuilder,
  cells: readonly RnnCell[],
  direction: 'forward' | 'reverse' | 'bidirectional',
  x: string,
  options: { sequenceLens?: string; initial?: readonly string[]; wantY: boolean; wantYc: boolean },
): RnnNodeOutputs {
  const { op, units: H, features: F } = cells[0]!;
  const G = GATES[op];
  const dirs = cells.length;
  const W = g.initializer('W', [dirs, G * H, F], concatCells(cells, (c) => c.W, G * H * F));
  const R = g.initializer('R', [dirs, G * H, H], concatCells(cells, (c) => c.R, G * H * H));
  const B = cells.some((c) => c.B) ? g.initializer('B', [dirs, 2 * G * H], concatCells(cells, (c) => c.B, 2 * G * H)) : '';
  const P = cells.some((c) => c.P) ? g.initializer('P', [dirs, 3 * H], concatCells(cells, (c) => c.P, 3 * H)) : '';
  const initial = options.initial ?? [];
  const inputs = [x, W, R, B, options.sequenceLens ?? '', initial[0] ?? '', ...(op === 'LSTM' ? [initial[1] ?? '', P] : [])];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attributes = [attr.int('hidden_size', H), attr.string('direction', direction)];
  if (!cells.every((c) => defaultFunctions(op, c.functions))) attributes.push(...rnnActivationAttributes(cells.flatMap((c) => c.functions)));
  if (op === 'GRU' && cells[0]!.linearBeforeReset) attributes.push(attr.int('linear_before_reset', 1));
  const outputs = [options.wantY ? 'Y' : '', 'Y_h', ...(op === 'LSTM' ? [options.wantYc ? 'Y_c' : ''] : [])];
  const [Y, Yh, Yc] = g.node(op, inputs, outputs, attributes);
  return { Y: Y!, Yh: Yh!, Yc: Yc ?? '' };
}

/** A masked batch-major sequence with its valid steps moved to the front (see the module comment). */
export interface CompactedSequence {
  /** `[B, T, F]`, each row's valid steps first, in order. */
  x: string;
  /** `sequence_lens` (int32 `[B]`): the valid steps, at least 1 (see {@link valid}). */
  lengths: string;
  /** bool `[B]`: whether the row has a valid step at all. */
  valid: string;
  /** int64 `[B, T]`: valid steps up to and including t. */
  cumulative: string;
}

/** Moves the valid steps of each row of `x` (batch-major `[B, T, F]`) to the front. */
export function compactMasked(g: GraphBuilder, x: string, mask: string): CompactedSequence {
  const m = cast(g, mask, DataType.INT64, 'mask_i64');
  const T = dimScalar(g, x, 1, 'timesteps');
  const t = g.op('Range', [g.int64(0), T, g.int64(1)], [], 'steps');
  // Key t for a valid step, T + t for a masked one: ascending order puts the valid steps first, in order.
  const key = g.op('Add', [t, g.op('Mul', [g.op('Sub', [g.int64(1), m]), T])], [], 'order_key');
  const [, order] = g.node('TopK', [key, dims(g, x, 1, 2, 'k')], ['order_values', 'order'], [
    attr.int('axis', 1),
    attr.int('largest', 0),
    attr.int('sorted', 1),
  ]);
  const index = g.op('Expand', [unsqueeze(g, order!, [2]), g.op('Shape', [x])], [], 'order_index');
  const compacted = g.op('GatherElements', [x, index], [attr.int('axis', 1)], 'valid_first');
  const count = reduce(g, 'ReduceSum', m, [1], false, 'valid_steps');
  return {
    x: compacted,
    lengths: cast(g, g.op('Max', [count, g.int64(1)]), DataType.INT32, 'sequence_lens'),
    valid: g.op('Greater', [count, g.int64(0)], [], 'has_valid_step'),
    cumulative: g.op('CumSum', [m, g.int64(1)], [], 'valid_so_far'),
  };
}

/**
 * The operator's `Y` `[T, dirs, B, H]` over a compacted sequence, read back in the original
 * time: step t takes the output of the last valid step up to t (zeros before the first one).
 */
export function expandSequence(g: GraphBuilder, Y: string, cumulative: string): string {
  const last = g.op('Transpose', [g.op('Sub', [cumulative, g.int64(1)])], [attr.ints('perm', [1, 0])], 'last_valid'); // [T, B]
  const index = g.op('Expand', [unsqueeze(g, g.op('Max', [last, g.int64(0)]), [1, 3]), g.op('Shape', [Y])], [], 'read_index');
  const read = g.op('GatherElements', [Y, index], [attr.int('axis', 0)], 'Y_by_step');
  const started = cast(g, g.op('Greater', [unsqueeze(g, last, [1, 3]), g.int64(-1)]), DataType.FLOAT, 'started');
  return g.op('Mul', [read, started], [], 'Y_masked');
}

/** `Y_h`/`Y_c` `[dirs, B, H]` with rows that had no valid step set back to their initial value (or zeros). */
export function keepInitialWhereEmpty(g: GraphBuilder, state: string, valid: string, initial: string): string {
  return g.op('Where', [unsqueeze(g, valid, [0, 2]), state, initial || g.float32(0)], [], 'state');
}

/** Refuses a stateful layer (its states carry between calls, which a graph cannot). */
export function checkStateless(ctx: Pick<LayerExportContext, 'label'>, config: Pick<RecurrentConfig, 'stateful'>): void {
  if (config.stateful) {
    throw unsupported(
      ctx,
      'stateful: true carries the final states of one call into the next, which an ONNX graph cannot; export a copy of ' +
        'the model built with stateful: false and the same weights (it computes what predict gives after resetStates())',
    );
  }
}

/**
 * Exports one recurrent layer call (see the module comment): `inputs` are the sequence and,
 * optionally, its initial states.
 */
export function exportRecurrent(ctx: LayerExportContext, config: RecurrentConfig, inputs: OnnxValue[], cell: RnnCell): OnnxValue[] {
  const { g } = ctx;
  checkStateless(ctx, config);
  const [x, ...states] = inputs as [OnnxValue, ...OnnxValue[]];
  const initial = states.map((s, i) => unsqueeze(g, s.name, [0], i === 0 ? 'initial_h' : 'initial_c'));
  const wantYc = config.returnState && STATES[cell.op] === 2;
  const [batch, timesteps] = x.shape;
  let seq = '';
  let finals: string[];
  if (!x.mask) {
    const xt = toTimeMajor(g, x);
    const out = rnnNode(g, [cell], config.goBackwards ? 'reverse' : 'forward', xt.name, { initial, wantY: config.returnSequences, wantYc });
    if (config.returnSequences) {
      seq = squeeze(g, out.Y, [1], 'sequence');
      if (config.goBackwards) seq = reverseAxis(g, seq, 0, 'sequence_in_processing_order');
    }
    finals = [out.Yh, out.Yc];
  } else {
    let xb = x.timeMajor ? g.op('Transpose', [x.name], [attr.ints('perm', [1, 0, 2])], 'BatchMajor') : x.name;
    let mask = x.mask;
    if (config.goBackwards) {
      xb = reverseAxis(g, xb, 1, 'reversed_input');
      mask = reverseAxis(g, mask, 1, 'reversed_mask');
    }
    const c = compactMasked(g, xb, mask);
    const xt = g.op('Transpose', [c.x], [attr.ints('perm', [1, 0, 2])], 'TimeMajor');
    const out = rnnNode(g, [cell], 'forward', xt, { sequenceLens: c.lengths, initial, wantY: config.returnSequences, wantYc });
    if (config.returnSequences) seq = squeeze(g, expandSequence(g, out.Y, c.cumulative), [1], 'sequence');
    finals = [keepInitialWhereEmpty(g, out.Yh, c.valid, initial[0] ?? ''), wantYc ? keepInitialWhereEmpty(g, out.Yc, c.valid, initial[1] ?? '') : ''];
  }
  const stateShape = [batch ?? null, config.units];
  const outputs: OnnxValue[] = [];
  const h = config.returnSequences && !config.returnState ? '' : squeeze(g, finals[0]!, [0], config.returnSequences ? 'h' : 'last_output');
  if (config.returnSequences) {
    outputs.push({ name: seq, shape: [batch ?? null, timesteps ?? null, config.units], timeMajor: true, ...(x.mask ? { mask: x.mask } : {}) });
  } else {
    outputs.push({ name: h, shape: stateShape, timeMajor: false });
  }
  if (config.returnState) {
    outputs.push({ name: h, shape: stateShape, timeMajor: false });
    if (STATES[cell.op] === 2) outputs.push({ name: squeeze(g, finals[1]!, [0], 'c'), shape: stateShape, timeMajor: false });
  }
  return outputs;
}
