// Splits text into words before byte-level BPE merges, the way each model's pre-tokenizer
// regular expression does (tokenizer.ggml.pre), with hand-written matchers over Unicode
// categories instead of a regex engine.
//
//   std::vector<uint32_t> cps = ...;                 // code points of one text fragment
//   std::vector<uint32_t> ends;
//   pre_tokenize(PreTokenizerKind::Llama3, cps, ends);   // ends: exclusive word ends, in code points
//
// What must not change: the results must equal llama.cpp's unicode_regex_split for the same
// expressions (its hand-written GPT-2 and Llama-3 splitters, and std::regex over its
// "collapsed" text for the others): the fixture token ids depend on every detail, down to how
// a lone trailing space or a run of newlines is grouped. tests/engine/tokenizer_pre_tokenizer_test.cpp
// compares the matchers with std::regex on many strings.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/tokenizer/vocab.h"

namespace pw::tokenizer {

// Appends the end (exclusive, in code points) of every word of `cps` to `ends`, in order; the
// last end is cps.size(). Empty input gives no words. Linear in the input.
void pre_tokenize(PreTokenizerKind kind, std::span<const uint32_t> cps, std::vector<uint32_t>& ends);

}  // namespace pw::tokenizer
