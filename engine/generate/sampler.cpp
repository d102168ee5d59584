#include "engine/generate/sampler.h"

#include <algorithm>
#include <cmath>

namespace pw::generate {
namespace {

uint64_t seed_from(uint64_t seed) {
  if (seed != kRandomSeed) return seed;
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(seed_from(params.seed)) {}

void Sampler::accept(int32_t token) {
  if (params_.repeat_last_n <= 0) return;
  history_.push_back(token);
  while (history_.size() > static_cast<size_t>(params_.repeat_last_n)) history_.pop_front();
}

void Sampler::apply_repeat_penalty(std::vector<Candidate>& c) const {
  if (params_.repeat_penalty == 1.0f || history_.empty()) return;
  // Each distinct recent token once (llama.cpp's penalty counts presence, not frequency, here).
  std::vector<int32_t> seen(history_.begin(), history_.end());
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (int32_t id : seen) {
    if (id < 0 || static_cast<size_t>(id) >= c.size()) continue;
    float& l = c[static_cast<size_t>(id)].logit;  // candidates are still indexed by id here
    l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
  }
}

int32_t Sampler::sample(std::span<const float> logits) {
  degenerate_ = false;
  if (logits.empty()) {
    degenerate_ = true;
    return 0;
  }
  candidates_.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i)
    candidates_[i] = {static_cast<int32_t>(i), std::isnan(logits[i]) ? -INFINITY : logits[i]};
  apply_repeat_penalty(candidates_);

  auto by_logit = [](const Candidate& a, const Candidate& b) { return a.logit > b.logit || (a.logit == b.logit && a.id < b.id); };
  int32_t chosen = 0;
  if (params_.temperature <= 0.0f) {
    const Candidate& best = *std::min_element(candidates_.begin(), candidates_.end(), by_logit);
    degenerate_ = best.logit == -INFINITY;  // every logit NaN or -inf
    chosen = degenerate_ ? 0 : best.id;
    accept(chosen);
    return chosen;
  }

  // top-k, then everything sorted best first.
  size_t n = candidates_.size();
  if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < n) {
    std::partial_sort(candidates_.begin(), candidates_.begin() + params_.top_k, candidates_.end(), by_logit);
    n = static_cast<size_t>(params_.top_k);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), by_logit);
  }
  if (!std::isfinite(candidates_[0].logit)) {  // +inf wins outright; -inf means nothing is usable
    degenerate_ = candidates_[0].logit < 0;
    chosen = degenerate_ ? 0 : candidates_[0].id;
    accept(chosen);
    return chosen;
  }

  // Probabilities at temperature 1 for the top-p and min-p filters.
  probs_.resize(n);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += (probs_[i] = std::exp(candidates_[i].logit - candidates_[0].logit));
  if (params_.top_p < 1.0f) {
    double cum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      cum += probs_[i] / sum;
      if (cum >= params_.top_p) {
        n = i + 1;
        break;
      }
    }
  }
  if (params_.min_p > 0.0f) {
    size_t keep = 1;  // probs_[0] is the largest (== 1 before normalising)
    while (keep < n && probs_[keep] >= params_.min_p * probs_[0]) ++keep;
    n = keep;
  }

  // Temperature, then a draw from what is left.
  sum = 0.0;
  for (size_t i = 0; i < n; ++i)
    sum += (probs_[i] = std::exp((candidates_[i].logit - candidates_[0].logit) / params_.temperature));
  std::uniform_real_distribution<double> uniform(0.0, sum);
  double r = uniform(rng_);
  chosen = candidates_[n - 1].id;
  for (size_t i = 0; i < n; ++i) {
    r -= probs_[i];
    if (r < 0.0) {
      chosen = candidates_[i].id;
      break;
    }
  }
  accept(chosen);
  return chosen;
}

}  // namespace pw::generate
