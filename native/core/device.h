// Where a model computes: "cpu", "cuda", "cuda:N" or "auto" (CUDA when present), chosen at
// run time, so a CPU build of LibTorch runs every path but CUDA's, and names the problem
// when CUDA is asked for and absent.
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace tl {

/// Whether this LibTorch sees a CUDA device.
bool CudaAvailable();

/// The device `name` names; ERR_CUDA_UNAVAILABLE when it is CUDA and none is usable.
at::Device ResolveDevice(const std::string& name);

/// Deterministic kernels (cuDNN included) on or off, process-wide (LibTorch's global context).
void SetDeterministic(bool deterministic);

}  // namespace tl
