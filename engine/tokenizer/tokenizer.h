// Text <-> token ids for any GGUF model: SentencePiece-style (llama, phi-3, gemma, mistral),
// byte-level BPE with the model's pre-tokenizer (llama 3, qwen, gpt-2, smollm, phi-4, ...) and
// WordPiece (BERT embedders), built from the file's tokenizer.ggml.* metadata.
//
//   auto tok = pw::tokenizer::Tokenizer::from_gguf(file);            // file: pw::gguf::GgufFile
//   if (!tok) return tok.error();
//   std::vector<int32_t> ids = (*tok)->encode("What is the dose?");  // BOS/CLS added as the model wants
//   auto prompt = (*tok)->encode(chat_text, {.add_special = true, .parse_special = true});  // <|im_start|> -> one id
//   std::string text = (*tok)->decode(ids);                          // "What is the dose?"
//   if ((*tok)->is_end_of_generation(next)) stop();
//   StreamingDecoder out(**tok);                                     // token by token, whole characters only
//   ui.append(out.push(next));
//
// Token ids match llama.cpp (commit 81ff7abe) exactly: every case of the shared tokenizer
// fixtures is a test. A Tokenizer is immutable after from_gguf and safe to use from many threads;
// it does not keep the GgufFile. Encoding allocates per call, never per character.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/vocab.h"
#include "engine/util/status.h"

namespace pw::tokenizer {

struct EncodeOptions {
  // Add what the model adds around a text: BOS (SPM, Llama 3), EOS when the file asks,
  // [CLS] ... [SEP] for WordPiece. Qwen and GPT-2 add nothing.
  bool add_special = true;
  // Map the text of control tokens ("<|im_start|>", "<s>", "[CLS]") to their ids. Off for
  // document text: a PDF that contains "<|im_end|>" must not end the prompt. User-defined
  // (added) tokens are always matched, as in llama.cpp.
  bool parse_special = false;
};

struct DecodeOptions {
  // Write control tokens ("<|im_end|>", "</s>") as their text instead of dropping them.
  bool render_special = false;
  // SentencePiece vocabularies encode " " + text and WordPiece pieces start words with a
  // space; drop that one leading space of the first piece, so that decode(encode(text)) == text
  // for SentencePiece. No effect for byte-level BPE.
  bool strip_space_prefix = true;
};

class Tokenizer {
 public:
  static Result<std::unique_ptr<Tokenizer>> from_gguf(const gguf::GgufFile& file);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  std::vector<int32_t> encode(std::string_view text, EncodeOptions options = {}) const;
  // Appends to `out` (reuse one vector across many calls).
  void encode_into(std::string_view text, EncodeOptions options, std::vector<int32_t>& out) const;
  // Number of tokens of `text` without BOS/EOS: what chunking by token budget needs.
  size_t count_tokens(std::string_view text) const;

  // Concatenated pieces; ids outside the vocabulary are skipped. The bytes are what the model
  // produced: a sequence cut inside a character can be malformed UTF-8 (StreamingDecoder and
  // unicode::to_valid_utf8 give display-safe text).
  std::string decode(std::span<const int32_t> ids, DecodeOptions options = {}) const;
  // The bytes one token stands for (U+2581 -> space, <0x0A> -> "\n", GPT-2 code points ->
  // bytes). Control and unknown tokens are empty unless render_special. Valid as long as the
  // Tokenizer lives; empty for an id outside the vocabulary.
  std::string_view token_to_piece(int32_t id, bool render_special = false) const;
  // The token's text as stored in the vocabulary ("\xE2\x96\x81Hello", "ĠHello", "<|im_end|>").
  std::string_view token_text(int32_t id) const;
  // The id of a vocabulary entry with exactly this text, or kNoToken.
  int32_t find_token(std::string_view text) const;

  int32_t bos() const;  // [CLS] for WordPiece; kNoToken when the model has none
  int32_t eos() const;
  int32_t eot() const;  // end of turn (<|eot_id|>, <|im_end|>, <|end|>, <end_of_turn>), or kNoToken
  int32_t unk() const;
  int32_t sep() const;
  int32_t pad() const;
  // Tokens that end a generation: EOS, EOT and the end-of-turn tokens the vocabulary has.
  bool is_end_of_generation(int32_t id) const;
  std::span<const int32_t> end_of_generation_ids() const;
  bool is_control(int32_t id) const;
  bool is_byte(int32_t id) const;

  size_t vocab_size() const;
  VocabKind kind() const;
  PreTokenizerKind pre_tokenizer() const;
  const std::string& model_name() const;  // tokenizer.ggml.model
  const std::string& pre_name() const;    // tokenizer.ggml.pre
  bool add_bos() const;
  bool add_eos() const;
  const Vocab& vocab() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Turns generated tokens into text as they arrive, emitting only whole UTF-8 characters: an
// emoji whose four bytes come in two byte tokens appears once, complete. Output is always
// valid UTF-8 (malformed bytes become U+FFFD).
//
//   StreamingDecoder d(tok);
//   for (int32_t id : generated) ui.append(d.push(id));
//   ui.append(d.finish());
class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer, DecodeOptions options = {});
  // The text that is complete after this token (often empty while a character is split).
  std::string push(int32_t id);
  // Whatever is still held back (an incomplete character becomes U+FFFD); then starts afresh.
  std::string finish();
  void reset();
  size_t pending_bytes() const { return pending_.size(); }

 private:
  const Tokenizer* tokenizer_;
  DecodeOptions options_;
  std::string pending_;
  bool at_start_ = true;
};

}  // namespace pw::tokenizer
