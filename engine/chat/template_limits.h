// Budgets that keep a hostile chat template from crashing or hanging the app.
//
//   pw::chat::TemplateLimits limits;            // defaults suit any real chat template
//   limits.max_output_bytes = 1 << 20;
//   pw::chat::Meter meter(limits.max_steps);
//   if (!meter.charge(n)) return meter.error();  // ResourceLimit error
//
// Why: templates come from downloaded GGUF files. Every way a template can make work
// (loops, string growth, recursion, deep values) is bounded here, and exceeding a bound is an
// error value, never a crash, a hang or a huge allocation. Defaults are far above what real
// templates need (they render in microseconds); change them only with a test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/util/status.h"

namespace pw::chat {

struct TemplateLimits {
  size_t max_source_bytes = 4u << 20;      // template text
  size_t max_output_bytes = 16u << 20;     // rendered prompt, and also any single string value
  size_t max_list_items = 1u << 20;        // any single list built by the template
  uint64_t max_loop_iterations = 1000000;  // all for-loop iterations of one render together
  uint64_t max_steps = 50000000;           // work units: evaluations, bytes and items produced
  int max_depth = 512;                     // evaluator recursion (statements, expressions, macro calls)
};

// Syntax nesting the parser accepts (statements inside statements plus expression depth).
// Bounds the recursion of parsing, evaluation and AST destruction. Real templates nest under 10.
// Worst-case stack (GCC -O2, measured with -fstack-usage): parsing ~5 KB per level (about 12
// frames of 400-700 bytes), so ~550 KB at this limit; evaluation ~0.75 KB per max_depth unit,
// so ~400 KB at the default max_depth. Keep both well under the 8 MB default thread stack.
inline constexpr int kMaxSyntaxNesting = 100;

// Counts work units against a budget.
class Meter {
 public:
  explicit Meter(uint64_t max_steps) : max_steps_(max_steps) {}
  // Adds units; false once the budget is spent.
  bool charge(uint64_t units) {
    steps_ += units;
    return steps_ <= max_steps_;
  }
  uint64_t used() const { return steps_; }
  pw::Error error() const {
    return pw::Error(pw::ErrorCode::ResourceLimit, "chat template",
                     "rendering takes too much work (over " + std::to_string(max_steps_) + " steps)");
  }

 private:
  uint64_t steps_ = 0;
  uint64_t max_steps_;
};

}  // namespace pw::chat
