/**
 * Keras Bidirectional(LSTM) / Bidirectional(GRU) <-> `torch.nn.LSTM(bidirectional=True)` /
 * `torch.nn.GRU(bidirectional=True)` weights: the forward layer's tensors under PyTorch's names
 * (`weight_ih_l<k>`, ...), the backward layer's with the `_reverse` suffix, each converted as
 * the wrapped kind's converter does (`lstm.ts`, `gru.ts`). Stacked Bidirectional layers map onto
 * one multi-layer module with the `modules` option (`{ module, layer }`).
 *
 * PyTorch's bidirectional output concatenates the two directions in forward time, which is
 * Keras's `mergeMode: 'concat'`; its last output is `h_n` of both directions (Keras's merged
 * last outputs), not `output[:, -1]`. Both directions must be the same kind with the same
 * units, the forward one reading forwards (a PyTorch module has one kind and size).
 */
import type { BidirectionalConfig, GRUConfig, LSTMConfig } from '../../layers/index.js';
import type { FromPytorchContext, LayerConverter, ToPytorchContext } from './converter.js';
import { gruConverter } from './gru.js';
import { lstmConverter } from './lstm.js';

const INNER: Readonly<Record<string, LayerConverter<LSTMConfig> | LayerConverter<GRUConfig>>> = { LSTM: lstmConverter, GRU: gruConverter };

type Direction = 'layer' | 'backwardLayer';
const DIRECTIONS: readonly [Direction, string][] = [['layer', ''], ['backwardLayer', '_reverse']];

function inner(config: BidirectionalConfig, direction: Direction): LayerConverter<unknown> {
  return INNER[config[direction].className] as LayerConverter<unknown>;
}

export const bidirectionalConverter: LayerConverter<BidirectionalConfig> = {
  multiLayer: true,

  refuse(config) {
    const f = config.layer;
    const b = config.backwardLayer;
    if (!INNER[f.className]) return `wraps a ${f.className} layer; PyTorch's bidirectional modules are nn.LSTM and nn.GRU (torch-lstm maps Bidirectional(LSTM) and Bidirectional(GRU))`;
    if (b.className !== f.className || b.config.units !== f.config.units || b.config.useBias !== f.config.useBias) {
      return `has a backward ${b.className} (units ${b.config.units}) unlike its forward ${f.className} (units ${f.config.units}); a PyTorch bidirectional module has one kind and size`;
    }
    if (f.config.goBackwards) return 'wraps a layer with goBackwards: true; in PyTorch the first direction reads forwards';
    return inner(config, 'layer').refuse?.(f.config) ?? inner(config, 'backwardLayer').refuse?.(b.config);
  },

  toPytorch(ctx: ToPytorchContext<BidirectionalConfig>) {
    return DIRECTIONS.flatMap(([direction, suffix]) => {
      const layer = ctx.config[direction];
      return inner(ctx.config, direction).toPytorch({ ...ctx, config: layer.config, suffix, weight: (n) => ctx.weight(`${layer.config.name}/${n}`) });
    });
  },

  fromPytorch(ctx: FromPytorchContext<BidirectionalConfig>) {
    const out: Record<string, Float32Array> = {};
    for (const [direction, suffix] of DIRECTIONS) {
      const layer = ctx.config[direction];
      const prefix = `${layer.config.name}/`;
      const weights = inner(ctx.config, direction).fromPytorch({ ...ctx, config: layer.config, suffix, kerasShape: (n) => ctx.kerasShape(prefix + n) });
      for (const [name, data] of Object.entries(weights)) out[prefix + name] = data;
    }
    return out;
  },
};
