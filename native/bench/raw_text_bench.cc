// W3 of docs/BENCHMARKS.md in raw LibTorch: token ids [2048, 200] in [1, 10000) ->
// Embedding(10000, 128) -> LSTM(64) -> Dense(1, sigmoid), binary cross-entropy, Adam 1e-3,
// batch 32. Prints one "result" line: training samples/s per steady epoch.
//
// --data DIR reads w3_x.i32 (int32 ids) and w3_y.f32 (0/1 labels) from bench/lib/data.mjs; without
// it the same shapes are drawn from std::mt19937 (label: the sequence's mean id below 5000).
#include <random>

#include "raw_bench_common.h"

namespace raw_bench {
namespace {

constexpr int64_t kSamples = 2048, kSteps = 200, kVocab = 10000, kEmbed = 128, kUnits = 64, kBatch = 32;

struct TextModelImpl : torch::nn::Module {
  TextModelImpl() {
    embedding = register_module("embedding", torch::nn::Embedding(kVocab, kEmbed));
    lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(kEmbed, kUnits).batch_first(true)));
    dense = register_module("dense", torch::nn::Linear(kUnits, 1));
  }

  torch::Tensor forward(const torch::Tensor& ids) {
    auto sequence = std::get<0>(lstm->forward(embedding->forward(ids)));
    return torch::sigmoid(dense->forward(sequence.select(1, -1)).squeeze(1));
  }

  torch::nn::Embedding embedding{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(TextModel);

std::pair<torch::Tensor, torch::Tensor> LoadTextData(const Options& o) {
  if (!o.data_dir.empty()) {
    return {ReadTensor(o.data_dir + "/w3_x.i32", {kSamples, kSteps}, torch::kInt32).to(torch::kLong),
            ReadTensor(o.data_dir + "/w3_y.f32", {kSamples}, torch::kFloat32)};
  }
  std::mt19937 rng(static_cast<uint32_t>(o.seed));
  std::uniform_int_distribution<int64_t> id(1, kVocab - 1);
  auto x = torch::empty({kSamples, kSteps}, torch::kLong);
  int64_t* p = x.data_ptr<int64_t>();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] = id(rng);
  return {x, (x.to(torch::kFloat32).mean(1) < kVocab / 2.0).to(torch::kFloat32)};
}

}  // namespace

void RunTextWorkload(const Options& o) {
  auto [x, y] = LoadTextData(o);
  const int64_t n = o.train_samples > 0 ? std::min(o.train_samples, kSamples) : kSamples;
  x = x.slice(0, 0, n);
  y = y.slice(0, 0, n);
  torch::manual_seed(o.seed);
  TextModel model;
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
  model->train();
  auto gen = at::detail::createCPUGenerator(o.seed + 1);
  std::vector<double> rates;
  double warmup = 0, last_loss = NAN;
  for (int e = 0; e < o.epochs; ++e) {
    const auto t0 = Clock::now();
    auto perm = torch::randperm(n, gen, torch::kLong);
    double sum = 0;
    int64_t steps = 0;
    for (int64_t b = 0; b < n; b += kBatch) {
      auto idx = perm.slice(0, b, std::min(n, b + kBatch));
      opt.zero_grad();
      auto loss = torch::binary_cross_entropy(model->forward(x.index_select(0, idx)), y.index_select(0, idx));
      loss.backward();
      opt.step();
      sum += loss.item<double>();  // the running loss, one sync per batch as every peer
      ++steps;
    }
    const double s = Seconds(t0, Clock::now());
    if (e == 0) warmup = s;
    else rates.push_back(n / s);
    last_loss = sum / steps;
  }
  const double forward_flops = 2.0 * kSteps * 4 * kUnits * (kEmbed + kUnits);
  EmitResult(o, "train_samples_per_s", "samples/s", rates,
             ",\"warmup\":" + Num(warmup) + ",\"train_samples\":" + std::to_string(n) + ",\"batch\":" +
                 std::to_string(kBatch) + ",\"train_flops_per_sample\":" + Num(3 * forward_flops) +
                 ",\"final_loss\":" + Num(last_loss));
}

}  // namespace raw_bench
