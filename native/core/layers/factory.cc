#include "factory.h"

#include <functional>
#include <utility>

#include "../errors.h"
#include "add.h"
#include "additive_attention.h"
#include "attention.h"
#include "bidirectional.h"
#include "concatenate.h"
#include "dense.h"
#include "dropout.h"
#include "embedding.h"
#include "gaussian_noise.h"
#include "global_pooling_1d.h"
#include "gru.h"
#include "layer_normalization.h"
#include "lstm.h"
#include "masking.h"
#include "multi_head_attention.h"
#include "peephole_lstm.h"
#include "position_embedding.h"
#include "simple_rnn.h"
#include "time_distributed.h"
#include "transformer_encoder.h"

namespace tl {
namespace {

using Maker = std::unique_ptr<Layer> (*)(const ConfigReader&, const std::vector<Shape>&);

// One line per layer class: its Keras class name and its Make function (declared in its header).
const std::vector<std::pair<std::string, Maker>>& Table() {
  static const std::vector<std::pair<std::string, Maker>> table = {
      {"LSTM", &MakeLstm},
      {"GRU", &MakeGru},
      {"SimpleRNN", &MakeSimpleRnn},
      {"PeepholeLSTM", &MakePeepholeLstm},
      {"Dense", &MakeDense},
      {"Dropout", &MakeDropout},
      {"Embedding", &MakeEmbedding},
      {"Masking", &MakeMasking},
      {"GaussianNoise", &MakeGaussianNoise},
      {"Bidirectional", &MakeBidirectional},
      {"LayerNormalization", &MakeLayerNormalization},
      {"Attention", &MakeAttention},
      {"AdditiveAttention", &MakeAdditiveAttention},
      {"MultiHeadAttention", &MakeMultiHeadAttention},
      {"TransformerEncoder", &MakeTransformerEncoder},
      {"PositionEmbedding", &MakePositionEmbedding},
      {"GlobalAveragePooling1D", &MakeGlobalAveragePooling1D},
      {"GlobalMaxPooling1D", &MakeGlobalMaxPooling1D},
      {"TimeDistributed", &MakeTimeDistributed},
      {"Concatenate", &MakeConcatenate},
      {"Add", &MakeAdd},
  };
  return table;
}

}  // namespace

std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, const std::vector<Shape>& input_shapes) {
  for (const auto& [name, make] : Table()) {
    if (name == spec.class_name) {
      return make(ConfigReader(spec.config, "Layer '" + spec.name + "' (" + spec.class_name + ")"), input_shapes);
    }
  }
  std::string known;
  for (const auto& [name, make] : Table()) known += (known.empty() ? "" : ", ") + name;
  throw SpecError("Layer '" + spec.name + "': unsupported layer class '" + spec.class_name + "' (known: " + known + ")");
}

std::vector<std::string> LayerClassNames() {
  std::vector<std::string> out;
  for (const auto& entry : Table()) out.push_back(entry.first);
  return out;
}

}  // namespace tl
