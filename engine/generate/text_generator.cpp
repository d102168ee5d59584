#include "engine/generate/text_generator.h"

#include <utility>

#include "engine/generate/stop_strings.h"

namespace pw::generate {

Result<TextGenerateResult> generate_text(model::Session& session, const tokenizer::Tokenizer& tokenizer,
                                         std::span<const int32_t> prompt, const TextGenerateOptions& options,
                                         const std::function<bool(std::string_view)>& on_text) {
  tokenizer::StreamingDecoder decoder(tokenizer, options.decode);
  StopStringMatcher stops(options.stop_strings);
  std::string text;
  bool caller_stopped = false;
  // Passes a piece on; false when the caller wants no more.
  auto emit = [&](const std::string& piece) {
    if (piece.empty() || caller_stopped) return !caller_stopped;
    text += piece;
    if (on_text && !on_text(piece)) caller_stopped = true;
    return !caller_stopped;
  };

  auto r = generate(session, prompt, options.generate, [&](int32_t id) {
    const bool go_on = emit(stops.push(decoder.push(id)));
    return go_on && !stops.matched();
  });
  if (!r) return r.error();

  TextGenerateResult out;
  static_cast<GenerateResult&>(out) = std::move(*r);
  if (!stops.matched() && !caller_stopped) {
    // Stopped for another reason: what the decoder and the matcher still hold is real text
    // (a stop string can still complete inside it).
    emit(stops.push(decoder.finish()));
    emit(stops.finish());
  }
  if (stops.matched()) {
    out.reason = StopReason::StopString;
    out.stop_string = stops.matched_string();
  } else if (caller_stopped) {
    out.reason = StopReason::CallerStopped;
  }
  out.text = std::move(text);
  return out;
}

}  // namespace pw::generate
