// Float64 loop references shared by the attention and transformer tests.
#pragma once

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace tl::testing {

// Keras 3 MultiHeadAttention in loops: the einsum projections (kernel [D, H, d], bias [H, d]),
// scores / sqrt(key_dim), the merged mask (query & value & key & causal) as a -1e9 bias,
// softmax over the value axis, then the output projection (kernel [H, V, O], bias [O]).
inline std::pair<at::Tensor, at::Tensor> MhaReference(const std::vector<at::Tensor>& w, bool use_bias, const at::Tensor& q,
                                               const at::Tensor& v, const at::Tensor& k, const at::Tensor& q_mask,
                                               const at::Tensor& v_mask, const at::Tensor& k_mask, bool causal) {
  size_t next = 0;
  const at::Tensor wq = w[next++], bq = use_bias ? w[next++] : at::Tensor();
  const at::Tensor wk = w[next++], bk = use_bias ? w[next++] : at::Tensor();
  const at::Tensor wv = w[next++], bv = use_bias ? w[next++] : at::Tensor();
  const at::Tensor wo = w[next++], bo = use_bias ? w[next++] : at::Tensor();
  const int64_t batch = q.size(0), tq = q.size(1), tv = v.size(1), heads = wq.size(1), kd = wq.size(2),
                vd = wv.size(2);
  const at::Tensor wo2 = wo.reshape({heads, vd, -1});
  const int64_t od = wo2.size(2);
  const auto project = [&](const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& bias) {
    const int64_t t = x.size(1), d_in = x.size(2), size = kernel.size(2);
    at::Tensor y = at::zeros({batch, t, heads, size}, at::kDouble);
    auto xa = x.accessor<double, 3>();
    auto ka = kernel.accessor<double, 3>();
    auto ya = y.accessor<double, 4>();
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < t; ++i)
        for (int64_t h = 0; h < heads; ++h)
          for (int64_t e = 0; e < size; ++e) {
            double acc = bias.defined() ? bias[h][e].item<double>() : 0.0;
            for (int64_t d = 0; d < d_in; ++d) acc += xa[b][i][d] * ka[d][h][e];
            ya[b][i][h][e] = acc;
          }
    return y;
  };
  const at::Tensor Q = project(q, wq, bq), K = project(k, wk, bk), V = project(v, wv, bv);
  auto qa = Q.accessor<double, 4>(), ka = K.accessor<double, 4>(), va = V.accessor<double, 4>();
  at::Tensor probs = at::zeros({batch, heads, tq, tv}, at::kDouble);
  at::Tensor context = at::zeros({batch, tq, heads, vd}, at::kDouble);
  auto pa = probs.accessor<double, 4>();
  auto ca = context.accessor<double, 4>();
  const auto on = [](const at::Tensor& m, int64_t b, int64_t i) { return !m.defined() || m[b][i].item<bool>(); };
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < tq; ++i) {
        std::vector<double> s(tv);
        double top = -1e300;
        for (int64_t j = 0; j < tv; ++j) {
          double acc = 0;
          for (int64_t e = 0; e < kd; ++e) acc += qa[b][i][h][e] * ka[b][j][h][e];
          acc /= std::sqrt(static_cast<double>(kd));
          const bool keep = on(q_mask, b, i) && on(v_mask, b, j) && on(k_mask, b, j) && (!causal || j <= i);
          s[j] = keep ? acc : acc - 1e9;
          top = std::max(top, s[j]);
        }
        double z = 0;
        for (double x : s) z += std::exp(x - top);
        for (int64_t j = 0; j < tv; ++j) {
          pa[b][h][i][j] = std::exp(s[j] - top) / z;
          for (int64_t e = 0; e < vd; ++e) ca[b][i][h][e] += pa[b][h][i][j] * va[b][j][h][e];
        }
      }
  at::Tensor out = at::zeros({batch, tq, od}, at::kDouble);
  auto oa = out.accessor<double, 3>();
  auto woa = wo2.accessor<double, 3>();
  const at::Tensor bo2 = bo.defined() ? bo.reshape({-1}) : bo;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < tq; ++i)
      for (int64_t o = 0; o < od; ++o) {
        double acc = bo2.defined() ? bo2[o].item<double>() : 0.0;
        for (int64_t h = 0; h < heads; ++h)
          for (int64_t e = 0; e < vd; ++e) acc += ca[b][i][h][e] * woa[h][e][o];
        oa[b][i][o] = acc;
      }
  return {out, probs};
}

}  // namespace tl::testing
