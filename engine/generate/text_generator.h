// Generation as text: the tokens of generate() decoded into whole UTF-8 characters as they
// arrive, with stop strings recognised across token boundaries.
//
//   pw::generate::TextGenerateOptions o;
//   o.generate.max_tokens = 512;
//   o.generate.stop_tokens = pw::generate::end_of_generation_tokens(model->file());
//   o.generate.cancel = &cancel_flag;                 // set from the GUI thread: stops within one token
//   o.stop_strings = {"\nUser:"};
//   auto r = pw::generate::generate_text(session, tokenizer, prompt_ids, o,
//                                        [&](std::string_view piece) { ui.append(piece); return true; });
//   if (!r) return r.error();                         // e.g. the prompt does not fit the context
//   r->text;                                          // everything passed to the callback, in one string
//   r->reason == StopReason::StopString;              // r->stop_string says which one
//
// What the callback sees (must not change):
// - Only whole, valid UTF-8 characters (tokenizer::StreamingDecoder), never a split emoji.
// - Never any part of a stop string or what follows it; text that could still turn out to be
//   the start of a stop string is held back until that is decided (stop_strings.h), and is
//   passed on at the end when the generation stops for another reason (cancel included).
// - Control tokens (end of turn, ...) are not rendered unless decode.render_special.
// r->tokens holds every generated token, those that spelled the stop string included.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/generate/generator.h"
#include "engine/tokenizer/tokenizer.h"

namespace pw::generate {

struct TextGenerateOptions {
  GenerateOptions generate;
  std::vector<std::string> stop_strings;  // empty strings are ignored
  // strip_space_prefix is off: generated text continues the prompt, its leading space is real.
  tokenizer::DecodeOptions decode{.render_special = false, .strip_space_prefix = false};
};

struct TextGenerateResult : GenerateResult {
  std::string text;         // the text passed to on_text, concatenated
  std::string stop_string;  // the stop string that ended it (reason StopString), else ""
};

// on_text(piece) receives each new piece of text (never empty); returning false stops
// generation (reason CallerStopped, nothing more is passed on).
Result<TextGenerateResult> generate_text(model::Session& session, const tokenizer::Tokenizer& tokenizer,
                                         std::span<const int32_t> prompt, const TextGenerateOptions& options,
                                         const std::function<bool(std::string_view)>& on_text = {});

}  // namespace pw::generate
