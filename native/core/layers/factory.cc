#include "factory.h"

#include <functional>
#include <utility>

#include "../errors.h"
#include "dense.h"
#include "dropout.h"
#include "lstm.h"

namespace tl {
namespace {

using Maker = std::unique_ptr<Layer> (*)(const ConfigReader&, const std::vector<Shape>&);

// One line per layer class: its Keras class name and its Make function (declared in its header).
const std::vector<std::pair<std::string, Maker>>& Table() {
  static const std::vector<std::pair<std::string, Maker>> table = {
      {"LSTM", &MakeLstm},
      {"Dense", &MakeDense},
      {"Dropout", &MakeDropout},
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
