// Token count estimate for chunk sizing when no model tokenizer is loaded.
//
//   int n = pw::ingest::estimate_tokens("Employees may carry over five days.");   // ~8
//
// Calibration (must be redone if the weights below change): least-squares fit of
//   tokens ~ 0.09*ascii_letters + 0.87*words + 1.0*digits + 0.1*ascii_punctuation
//            + 0.8*CJK/Hangul/Kana code points + 0.37*other non-ASCII code points
// against the Llama 3 byte-level BPE tokenizer (shared/fixtures/tokenizers/ggml-vocab-llama-bpe)
// on 1,157 windows of ~1,200 bytes of pdftotext output from the English documents of
// shared/corpus (contracts, filings, medical booklets, a paper, a manual). Mean absolute error
// 7.9% (90th percentile 17%) where plain bytes/4 gives 18% (36%) and words*1.33 gives 15%
// (35%): digits cost a token each and long words cost more than short ones, which
// bytes/4 ignores. The non-ASCII weights were fitted the same way on the Ukrainian (0.37 per
// code point, mean error 17%) and Korean (0.8, 12%) guides. The same weights are off by 18% on
// average against the Llama 2 SentencePiece vocabulary (it needs ~22% more tokens for English)
// and 17% against BERT WordPiece (~10% fewer), so a chunk sized with the estimate may come out
// ~20% larger under another tokenizer: load the model's tokenizer when exact
// sizes matter.
#pragma once

#include <string_view>

namespace pw::ingest {

int estimate_tokens(std::string_view text);

}  // namespace pw::ingest
