#include "config.h"

#include <cmath>
#include <sstream>

#include "errors.h"

namespace tl {

const Value* Value::Find(const std::string& key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value& Value::Set(const std::string& key, Value value) {
  if (is_null()) data_ = Object{};
  auto& object = std::get<Object>(data_);
  for (auto& [k, v] : object) {
    if (k == key) return v = std::move(value);
  }
  object.emplace_back(key, std::move(value));
  return object.back().second;
}

std::string Value::Dump() const {
  if (is_null()) return "null";
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_number()) {
    std::ostringstream s;
    s << as_number();
    return s.str();
  }
  if (is_string()) return "\"" + as_string() + "\"";
  std::string out;
  if (is_array()) {
    out = "[";
    for (size_t i = 0; i < as_array().size(); ++i) out += (i ? "," : "") + as_array()[i].Dump();
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (const auto& [k, v] : as_object()) {
    out += (first ? "\"" : ",\"") + k + "\":" + v.Dump();
    first = false;
  }
  return out + "}";
}

namespace {
const Value kNull;
}  // namespace

ConfigReader::ConfigReader(const Value& object, std::string where, std::string path)
    : object_(&object), where_(std::move(where)), path_(std::move(path)) {
  if (!object.is_object()) throw SpecError(where_ + ": expected an object at " + path_ + " but received " + object.Dump());
}

void ConfigReader::Fail(const std::string& key, const std::string& message) const {
  throw SpecError(where_ + ": " + message + " at " + path_ + "." + key);
}

bool ConfigReader::Has(const std::string& key) const {
  const Value* v = object_->Find(key);
  return v != nullptr && !v->is_null();
}

const Value& ConfigReader::Get(const std::string& key) const {
  const Value* v = object_->Find(key);
  if (v == nullptr) Fail(key, "missing key");
  return *v;
}

double ConfigReader::Number(const std::string& key) const {
  const Value& v = Get(key);
  if (!v.is_number()) Fail(key, "expected a number but received " + v.Dump());
  return v.as_number();
}

int64_t ConfigReader::Int(const std::string& key) const {
  const double d = Number(key);
  if (d != std::floor(d)) Fail(key, "expected an integer but received " + std::to_string(d));
  return static_cast<int64_t>(d);
}

bool ConfigReader::Bool(const std::string& key) const {
  const Value& v = Get(key);
  if (!v.is_bool()) Fail(key, "expected a boolean but received " + v.Dump());
  return v.as_bool();
}

std::string ConfigReader::String(const std::string& key) const {
  const Value& v = Get(key);
  if (!v.is_string()) Fail(key, "expected a string but received " + v.Dump());
  return v.as_string();
}

std::optional<double> ConfigReader::OptionalNumber(const std::string& key) const {
  if (!Has(key)) return std::nullopt;
  return Number(key);
}

std::optional<std::string> ConfigReader::OptionalString(const std::string& key) const {
  if (!Has(key)) return std::nullopt;
  return String(key);
}

std::vector<int64_t> ConfigReader::IntList(const std::string& key) const {
  const Value& v = Get(key);
  if (!v.is_array()) Fail(key, "expected an array but received " + v.Dump());
  std::vector<int64_t> out;
  for (const Value& d : v.as_array()) {
    if (d.is_null()) {
      out.push_back(-1);
    } else if (d.is_number()) {
      out.push_back(static_cast<int64_t>(d.as_number()));
    } else {
      Fail(key, "expected integers or nulls but received " + v.Dump());
    }
  }
  return out;
}

ConfigReader ConfigReader::Child(const std::string& key) const { return ConfigReader(Get(key), where_, path_ + "." + key); }

InitializerSpec ConfigReader::Initializer(const std::string& key) const {
  ConfigReader r = Child(key);
  InitializerSpec s;
  s.class_name = r.String("class_name");
  const Value* config = r.object_->Find("config");
  if (config == nullptr || config->is_null()) return s;
  ConfigReader c = r.Child("config");
  if (c.Has("gain")) s.gain = c.Number("gain");
  if (c.Has("value")) s.value = c.Number("value");
  if (c.Has("minval")) s.minval = c.Number("minval");
  if (c.Has("maxval")) s.maxval = c.Number("maxval");
  if (c.Has("mean")) s.mean = c.Number("mean");
  if (c.Has("stddev")) s.stddev = c.Number("stddev");
  if (auto seed = c.OptionalNumber("seed")) s.seed = static_cast<uint64_t>(*seed);
  return s;
}

std::optional<RegularizerSpec> ConfigReader::Regularizer(const std::string& key) const {
  if (!Has(key)) return std::nullopt;
  ConfigReader r = Child(key);
  const std::string cls = r.String("class_name");
  if (cls != "L1" && cls != "L2" && cls != "L1L2") Fail(key, "unknown regularizer '" + cls + "' (L1, L2, L1L2)");
  ConfigReader c = r.Child("config");
  RegularizerSpec s;
  if (cls != "L2") s.l1 = c.OptionalNumber("l1").value_or(0.0);
  if (cls != "L1") s.l2 = c.OptionalNumber("l2").value_or(0.0);
  return s;
}

UseFused ConfigReader::Fused(const std::string& key) const {
  const Value& v = Get(key);
  if (v.is_bool()) return v.as_bool() ? UseFused::kAlways : UseFused::kNever;
  if (v.is_string() && v.as_string() == "auto") return UseFused::kAuto;
  Fail(key, "expected 'auto', true or false but received " + v.Dump());
}

}  // namespace tl
