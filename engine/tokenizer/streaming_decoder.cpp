#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode.h"

namespace pw::tokenizer {

StreamingDecoder::StreamingDecoder(const Tokenizer& tokenizer, DecodeOptions options)
    : tokenizer_(&tokenizer), options_(options) {}

std::string StreamingDecoder::push(int32_t id) {
  std::string_view piece = tokenizer_->token_to_piece(id, options_.render_special);
  if (piece.empty()) return {};
  if (at_start_) {
    const Vocab& v = tokenizer_->vocab();
    const bool marks_word_starts = v.add_space_prefix || v.kind == VocabKind::WordPiece;
    if (options_.strip_space_prefix && marks_word_starts && piece.front() == ' ') piece.remove_prefix(1);
    at_start_ = false;
  }
  pending_.append(piece);
  const size_t complete = unicode::complete_utf8_prefix(pending_);
  if (complete == 0) return {};
  std::string out = unicode::to_valid_utf8(std::string_view(pending_).substr(0, complete));
  pending_.erase(0, complete);
  return out;
}

std::string StreamingDecoder::finish() {
  std::string out = unicode::to_valid_utf8(pending_);
  reset();
  return out;
}

void StreamingDecoder::reset() {
  pending_.clear();
  at_start_ = true;
}

}  // namespace pw::tokenizer
