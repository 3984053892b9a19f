// A layer's Keras config as data (a JSON value), and a reader over it whose every error
// names the layer and the key. Each layer parses its own config (layers/<kind>.cc), so
// adding a layer never touches the addon.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "spec_types.h"

namespace tl {

/// A JSON value: null, boolean, number, string, array or object (keys in document order).
class Value {
 public:
  using Array = std::vector<Value>;
  using Object = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  Value(bool b) : data_(b) {}                 // NOLINT(google-explicit-constructor)
  Value(double d) : data_(d) {}               // NOLINT
  Value(int d) : data_(static_cast<double>(d)) {}  // NOLINT
  Value(int64_t d) : data_(static_cast<double>(d)) {}  // NOLINT
  Value(std::string s) : data_(std::move(s)) {}  // NOLINT
  Value(const char* s) : data_(std::string(s)) {}  // NOLINT
  Value(Array a) : data_(std::move(a)) {}     // NOLINT
  Value(Object o) : data_(std::move(o)) {}    // NOLINT

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  bool is_number() const { return std::holds_alternative<double>(data_); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_array() const { return std::holds_alternative<Array>(data_); }
  bool is_object() const { return std::holds_alternative<Object>(data_); }

  bool as_bool() const { return std::get<bool>(data_); }
  double as_number() const { return std::get<double>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const Array& as_array() const { return std::get<Array>(data_); }
  const Object& as_object() const { return std::get<Object>(data_); }

  /// The member `key` of an object, or null when absent (or when this is not an object).
  const Value* Find(const std::string& key) const;
  /// Sets (or replaces) a member; turns a null value into an object first.
  Value& Set(const std::string& key, Value value);

  /// Compact JSON text, for messages.
  std::string Dump() const;

 private:
  std::variant<std::monostate, bool, double, std::string, Array, Object> data_;
};

/// Reads a config object; `where` names the owner in messages ("Layer 'lstm_1' (LSTM)").
class ConfigReader {
 public:
  ConfigReader(const Value& object, std::string where, std::string path = "config");

  /// Present and not null.
  bool Has(const std::string& key) const;
  const Value& Get(const std::string& key) const;
  double Number(const std::string& key) const;
  int64_t Int(const std::string& key) const;
  bool Bool(const std::string& key) const;
  std::string String(const std::string& key) const;
  std::optional<double> OptionalNumber(const std::string& key) const;
  std::optional<std::string> OptionalString(const std::string& key) const;
  /// An array of integers (null entries become -1).
  std::vector<int64_t> IntList(const std::string& key) const;
  ConfigReader Child(const std::string& key) const;
  /// A Keras initializer `{class_name, config}`.
  InitializerSpec Initializer(const std::string& key) const;
  /// A Keras regularizer (`null`, or `{class_name: L1|L2|L1L2, config: {l1, l2}}`).
  std::optional<RegularizerSpec> Regularizer(const std::string& key) const;
  /// `'auto'`, true or false (Keras 3 `use_cudnn`).
  UseFused Fused(const std::string& key) const;

  /// A spec error "<where>: <message> at <path>.<key>".
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const;
  const std::string& where() const { return where_; }

 private:
  const Value* object_;
  std::string where_, path_;
};

}  // namespace tl
