// Picks the next token from a row of logits: greedy, or random with temperature, top-k, top-p,
// min-p and a repetition penalty, reproducible for a given seed.
//
//   pw::generate::SamplingParams p;            // defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05
//   p.seed = 42;
//   pw::generate::Sampler sampler(p);
//   int32_t id = sampler.sample(session.logits(0));   // also remembers id for the repetition penalty
//   pw::generate::Sampler greedy({.temperature = 0});  // argmax, ties to the lowest id
//
// Order of the steps (llama.cpp's default chain): repetition penalty -> top-k -> top-p ->
// min-p -> temperature -> draw. With temperature <= 0 the result is the argmax of the penalised
// logits (ties: lowest id). Every filter keeps at least one candidate. NaN logits are never
// picked (treated as -inf); a row where every logit is NaN or -inf (or an empty row) gives
// token 0 and last_row_was_degenerate() returns true.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

namespace pw::generate {

inline constexpr uint64_t kRandomSeed = ~uint64_t{0};

struct SamplingParams {
  float temperature = 0.8f;     // <= 0: greedy
  int top_k = 40;               // <= 0: off
  float top_p = 0.95f;          // >= 1: off
  float min_p = 0.05f;          // <= 0: off (keeps tokens with p >= min_p * p_max)
  float repeat_penalty = 1.0f;  // 1: off; > 1 discourages the last repeat_last_n tokens
  int repeat_last_n = 64;
  uint64_t seed = kRandomSeed;  // kRandomSeed: seeded from std::random_device
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);

  // Chooses a token from `logits` (n_vocab floats) and records it in the history.
  int32_t sample(std::span<const float> logits);
  // Records a token chosen elsewhere (e.g. the prompt) for the repetition penalty.
  void accept(int32_t token);
  // Forgets the history (the random stream continues).
  void reset_history() { history_.clear(); }

  const SamplingParams& params() const { return params_; }
  bool last_row_was_degenerate() const { return degenerate_; }

 private:
  struct Candidate {
    int32_t id;
    float logit;
  };

  void apply_repeat_penalty(std::vector<Candidate>& c) const;

  SamplingParams params_;
  std::mt19937_64 rng_;
  std::deque<int32_t> history_;
  std::vector<Candidate> candidates_;  // reused between calls
  std::vector<float> probs_;
  bool degenerate_ = false;
};

}  // namespace pw::generate
