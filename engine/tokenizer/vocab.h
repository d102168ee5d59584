// A tokenizer vocabulary read from GGUF metadata (tokenizer.ggml.*): token texts, scores and
// types, the special token ids and the flags that decide how text is encoded.
//
//   pw::Result<Vocab> v = load_vocab(file);          // file: pw::gguf::GgufFile
//   int32_t id = v->find("\xE2\x96\x81Hello");        // kNoToken when absent
//   std::string_view text = v->text(id);
//   if (v->has_attr(id, kAttrControl)) ...
//
// The rules follow llama.cpp's loader (the fixtures are its outputs): per-model defaults for
// the special ids and add-BOS/EOS flags, GGUF keys overriding them, end-of-generation tokens
// recognised by their text, Phi-3's right-stripping special tokens. A Vocab owns copies of
// everything it needs: it does not refer to the GgufFile after loading.
// Errors (never a crash): missing or mistyped keys, array lengths that do not match the token
// count, duplicate tokens, unknown tokenizer models or pre-tokenizers, a special id that the
// flags require (BOS when add_bos, ...) being out of range. Special ids that are merely out of
// range are dropped (kNoToken) with a warning, as llama.cpp does, so real files load.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/piece_table.h"
#include "engine/util/status.h"

namespace pw::tokenizer {

inline constexpr int32_t kNoToken = -1;

enum class VocabKind {
  Spm,        // tokenizer.ggml.model = "llama": SentencePiece pieces with scores, byte fallback
  Bpe,        // "gpt2": byte-level BPE with merges and a pre-tokenizer
  WordPiece,  // "bert"
};

// How byte-level BPE text is split into words before merging (tokenizer.ggml.pre).
enum class PreTokenizerKind {
  Default,    // "default" or missing: llama.cpp's fallback set of four expressions
  Gpt2,       // "gpt-2", "phi-2", "jina-*", ...
  Llama3,     // "llama-bpe", "llama3", "dbrx", "smaug-bpe", "chatglm-bpe", ...
  Qwen2,      // "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", ...
  StarCoder,  // "starcoder", "smollm", "refact", "command-r", ...: digits alone, then GPT-2
  Gpt4o,      // "gpt-4o", "llama4": case-aware words (Phi-4-mini)
  Tekken,     // "tekken" (Mistral Nemo)
};

// Token attributes (llama.cpp's llama_token_attr bits).
enum TokenAttr : uint16_t {
  kAttrUndefined = 0,
  kAttrUnknown = 1 << 0,
  kAttrUnused = 1 << 1,
  kAttrNormal = 1 << 2,
  kAttrControl = 1 << 3,
  kAttrUserDefined = 1 << 4,
  kAttrByte = 1 << 5,
  kAttrNormalized = 1 << 6,
  kAttrLstrip = 1 << 7,
  kAttrRstrip = 1 << 8,
};

struct SpecialIds {
  int32_t bos = kNoToken;
  int32_t eos = kNoToken;
  int32_t eot = kNoToken;
  int32_t eom = kNoToken;
  int32_t unk = kNoToken;
  int32_t sep = kNoToken;
  int32_t pad = kNoToken;
  int32_t mask = kNoToken;
};

class Vocab {
 public:
  VocabKind kind = VocabKind::Spm;
  PreTokenizerKind pre = PreTokenizerKind::Default;
  std::string model_name;  // tokenizer.ggml.model
  std::string pre_name;    // tokenizer.ggml.pre

  SpecialIds ids;
  bool add_bos = false;
  bool add_eos = false;
  bool add_sep = false;
  bool add_space_prefix = false;  // SPM: encode " " + text
  bool ignore_merges = false;     // BPE: a word that is a token is emitted whole (llama3)
  bool lowercase = true;          // WordPiece normaliser
  bool strip_accents = true;

  std::vector<int32_t> eog_ids;           // end-of-generation tokens, sorted
  std::vector<int32_t> specials_longest;  // control/user-defined/unknown tokens, longest text first
  size_t max_token_bytes = 0;
  // No piece has U+2581 after anything but another U+2581: SentencePiece merges can then never
  // cross the start of a space run, and text can be merged word by word (much faster, same ids).
  bool spaces_only_start_pieces = false;

  int32_t size() const { return static_cast<int32_t>(attrs_.size()); }
  bool valid(int32_t id) const { return id >= 0 && id < size(); }
  std::string_view text(int32_t id) const { return pieces_.text(id); }
  float score(int32_t id) const { return scores_[static_cast<size_t>(id)]; }
  uint16_t attrs(int32_t id) const { return attrs_[static_cast<size_t>(id)]; }
  bool has_attr(int32_t id, uint16_t attr) const { return (attrs(id) & attr) != 0; }
  int32_t find(std::string_view text) const { return pieces_.find(text); }
  // SPM byte fallback: "<0xXX>" (or the one-byte token) for byte b; kNoToken if neither exists.
  int32_t byte_token(uint8_t b) const { return byte_tokens_[b]; }
  // The byte a BYTE-type token stands for, or -1 when its text is not "<0xXX>".
  int byte_value(int32_t id) const;

 private:
  friend Result<Vocab> load_vocab(const gguf::GgufFile& file);
  PieceTable pieces_;
  std::vector<float> scores_;
  std::vector<uint16_t> attrs_;
  int32_t byte_tokens_[256] = {};
};

Result<Vocab> load_vocab(const gguf::GgufFile& file);

// What a tokenizer.ggml.pre name means for byte-level BPE (llama.cpp's table).
struct PreTokenizerInfo {
  PreTokenizerKind kind;
  bool ignore_merges;  // whole-word tokens skip merging
  bool add_bos;        // default for add_bos before tokenizer.ggml.add_bos_token
  bool no_bos;         // the model has no BOS by default (GLM-4)
};
// nullptr when the name is not one we implement; "" and "default" give Default.
const PreTokenizerInfo* find_pre_tokenizer(std::string_view name);

}  // namespace pw::tokenizer
