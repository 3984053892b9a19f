// Precompiled header for native/core and native/addon: the LibTorch headers every
// translation unit needs. Kept to ATen (no torch/torch.h): ~half the parse cost.
#pragma once
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
