/**
 * Keras Bidirectional -> one ONNX recurrent operator with `direction = "bidirectional"`: `W`,
 * `R`, `B` (and `P`) stack the forward layer's weights and the backward layer's along the
 * direction axis, each converted as its layer kind's export does (`lstm.ts`, `gru.ts`, ...).
 *
 * The operator's `Y` `[T, 2, B, H]` holds both directions in input time, which is how Keras
 * merges them (the backward sequence is put back in forward time); `Y_h` `[2, B, H]` holds
 * each direction's last output. `mergeMode` `concat` / `sum` / `mul` / `ave` combine the two
 * (`ave` is `(a + b) * 0.5`); `null` returns both. `returnState` adds the forward states, then
 * the backward ones. Under a mask both directions skip the masked steps (see `recurrent.ts`)
 * and, with `returnSequences`, masked steps output zeros (Keras forces `zero_output_for_mask`).
 *
 * When the two directions cannot share one operator (different layer kinds or units, or a
 * wrapped layer with `goBackwards` so that "forward" runs backwards), each becomes its own
 * operator and the outputs merge the same way.
 */
import type { BidirectionalConfig, GRUConfig, LSTMConfig, PeepholeLSTMConfig, RecurrentConfig, SimpleRNNConfig } from '../../layers/index.js';
import { attr, type GraphBuilder, type OnnxValue, reverseAxis, toTimeMajor } from '../graph-builder.js';
import { maskAsFloat, unsqueeze } from '../tensor-ops.js';
import { innerContext, type LayerExportContext, type LayerExporter, unsupported } from './exporter.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { peepholeLstmCell } from './peephole-lstm.js';
import { checkStateless, compactMasked, expandSequence, exportRecurrent, keepInitialWhereEmpty, rnnNode } from './recurrent.js';
import { type RnnCell, STATES } from './rnn-cell.js';
import { simpleRnnCell } from './simple-rnn.js';

/** The recurrent layer kinds a Bidirectional wraps, as operator directions. */
const CELLS: Readonly<Record<string, (ctx: LayerExportContext, config: RecurrentConfig) => RnnCell>> = {
  LSTM: (ctx, c) => lstmCell(ctx, c as LSTMConfig),
  GRU: (ctx, c) => gruCell(ctx, c as GRUConfig),
  SimpleRNN: (ctx, c) => simpleRnnCell(ctx, c as SimpleRNNConfig),
  PeepholeLSTM: (ctx, c) => peepholeLstmCell(ctx, c as PeepholeLSTMConfig),
};

function cellOf(ctx: LayerExportContext, layer: BidirectionalConfig['layer']): RnnCell {
  const make = CELLS[layer.className];
  if (!make) throw unsupported(ctx, `it wraps a ${layer.className} layer, which has no ONNX recurrent operator`);
  return make(innerContext(ctx, layer.config.name), layer.config);
}

/** `Gather(x, index, axis)`: one direction of a stacked output. */
function direction(g: GraphBuilder, x: string, index: number, axis: number, name: string): string {
  return g.op('Gather', [x, g.int64(index)], [attr.int('axis', axis)], name);
}

function merge(g: GraphBuilder, mode: BidirectionalConfig['mergeMode'], a: string, b: string): string[] {
  switch (mode) {
    case 'concat':
      return [g.op('Concat', [a, b], [attr.int('axis', -1)], 'merged')];
    case 'sum':
      return [g.op('Add', [a, b], [], 'merged')];
    case 'mul':
      return [g.op('Mul', [a, b], [], 'merged')];
    case 'ave':
      return [g.op('Mul', [g.op('Add', [a, b]), g.float32(0.5)], [], 'merged')];
    case null:
      return [a, b];
  }
}

/** Exports a Bidirectional layer (see the module comment). */
export const exportBidirectional: LayerExporter<BidirectionalConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const fc = config.layer.config;
  const bc = config.backwardLayer.config;
  checkStateless(ctx, fc);
  const forward = cellOf(ctx, config.layer);
  const backward = cellOf(ctx, config.backwardLayer);
  const [x, ...states] = inputs as [OnnxValue, ...OnnxValue[]];
  const n = STATES[forward.op];
  const [batch, timesteps] = x.shape;
  const sequences = fc.returnSequences;
  let a: string;
  let b: string;
  let finals: string[];
  const shareable =
    forward.op === backward.op &&
    forward.units === backward.units &&
    forward.linearBeforeReset === backward.linearBeforeReset &&
    !fc.goBackwards &&
    bc.goBackwards;
  if (shareable) {
    const initial = states.slice(0, n).map((s, i) =>
      g.op('Concat', [unsqueeze(g, s.name, [0]), unsqueeze(g, states[n + i]!.name, [0])], [attr.int('axis', 0)], i === 0 ? 'initial_h' : 'initial_c'),
    );
    const wantYc = fc.returnState && n === 2;
    let Y: string;
    if (!x.mask) {
      const out = rnnNode(g, [forward, backward], 'bidirectional', toTimeMajor(g, x).name, { initial, wantY: sequences, wantYc });
      Y = out.Y;
      finals = [out.Yh, out.Yc];
    } else {
      const xb = x.timeMajor ? g.op('Transpose', [x.name], [attr.ints('perm', [1, 0, 2])], 'BatchMajor') : x.name;
      const c = compactMasked(g, xb, x.mask);
      const xt = g.op('Transpose', [c.x], [attr.ints('perm', [1, 0, 2])], 'TimeMajor');
      const out = rnnNode(g, [forward, backward], 'bidirectional', xt, { sequenceLens: c.lengths, initial, wantY: sequences, wantYc });
      Y = sequences ? expandSequence(g, out.Y, c.cumulative) : '';
      finals = [keepInitialWhereEmpty(g, out.Yh, c.valid, initial[0] ?? ''), wantYc ? keepInitialWhereEmpty(g, out.Yc, c.valid, initial[1] ?? '') : ''];
    }
    if (sequences) {
      a = direction(g, Y, 0, 1, 'forward_sequence');
      b = direction(g, Y, 1, 1, 'backward_sequence');
    } else {
      a = direction(g, finals[0]!, 0, 0, 'forward_output');
      b = direction(g, finals[0]!, 1, 0, 'backward_output');
    }
    finals = [finals[0]!, finals[1] ?? ''];
    const stateValues: string[] = [];
    if (fc.returnState) {
      for (const d of [0, 1]) for (let s = 0; s < n; s++) stateValues.push(direction(g, finals[s]!, d, 0, `${d === 0 ? 'forward' : 'backward'}_${s === 0 ? 'h' : 'c'}`));
    }
    finals = stateValues;
  } else {
    const f = exportRecurrent(innerContext(ctx, fc.name), fc, [{ ...x }, ...states.slice(0, n)], forward);
    const r = exportRecurrent(innerContext(ctx, bc.name), bc, [{ ...x }, ...states.slice(n)], backward);
    a = f[0]!.name;
    // The backward layer returns its sequence in processing order: back to forward time.
    b = sequences ? reverseAxis(g, r[0]!.name, 0, 'backward_sequence') : r[0]!.name;
    finals = [...f.slice(1), ...r.slice(1)].map((v) => v.name);
  }
  if (sequences && x.mask) {
    const keep = unsqueeze(g, g.op('Transpose', [maskAsFloat(g, x.mask)], [attr.ints('perm', [1, 0])]), [2], 'keep'); // [T, B, 1]
    a = g.op('Mul', [a, keep], [], 'forward_masked');
    b = g.op('Mul', [b, keep], [], 'backward_masked');
  }
  const units = forward.units;
  const outShape = (u: number) => (sequences ? [batch ?? null, timesteps ?? null, u] : [batch ?? null, u]);
  const merged = merge(g, config.mergeMode, a, b);
  const outputs: OnnxValue[] = merged.map((name, i) => ({
    name,
    shape: outShape(config.mergeMode === 'concat' ? units + backward.units : i === 0 ? units : backward.units),
    timeMajor: sequences,
    ...(sequences && x.mask ? { mask: x.mask } : {}),
  }));
  finals.forEach((name, i) => outputs.push({ name, shape: [batch ?? null, i < n ? units : backward.units], timeMajor: false }));
  return outputs;
};

