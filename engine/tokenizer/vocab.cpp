#include "engine/tokenizer/vocab.h"

#include "engine/util/log.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace pw::tokenizer {

namespace {

// Upper bounds far above any real vocabulary: a clear error instead of a pointless huge load.
constexpr uint64_t kMaxTokens = 1u << 22;

struct PreTokenizerName {
  const char* name;
  PreTokenizerInfo info;
};

constexpr PreTokenizerInfo kLlama3Main{PreTokenizerKind::Llama3, true, true, false};
constexpr PreTokenizerInfo kLlama3Plain{PreTokenizerKind::Llama3, false, false, false};
constexpr PreTokenizerInfo kGlm4{PreTokenizerKind::Llama3, false, false, true};
constexpr PreTokenizerInfo kGpt2{PreTokenizerKind::Gpt2, false, false, false};
constexpr PreTokenizerInfo kQwen2{PreTokenizerKind::Qwen2, false, false, false};
constexpr PreTokenizerInfo kStarCoder{PreTokenizerKind::StarCoder, false, false, false};
constexpr PreTokenizerInfo kGpt4o{PreTokenizerKind::Gpt4o, false, false, false};
constexpr PreTokenizerInfo kTekken{PreTokenizerKind::Tekken, true, true, false};
constexpr PreTokenizerInfo kDefault{PreTokenizerKind::Default, false, false, false};

// Names as llama.cpp's loader maps them (src/llama-vocab.cpp), restricted to the expressions
// implemented in pre_tokenizer.cpp.
constexpr PreTokenizerName kPreTokenizers[] = {
    {"default", kDefault},
    {"llama3", kLlama3Main}, {"llama-v3", kLlama3Main}, {"llama-bpe", kLlama3Main}, {"falcon3", kLlama3Main},
    {"falcon-h1", kLlama3Main}, {"pixtral", kLlama3Main}, {"midm-2.0", kLlama3Main}, {"lfm2", kLlama3Main},
    {"jina-v5-nano", kLlama3Main},
    {"dbrx", kLlama3Plain}, {"smaug-bpe", kLlama3Plain},
    {"glm4", kGlm4}, {"chatglm-bpe", kGlm4},
    {"gpt-2", kGpt2}, {"phi-2", kGpt2}, {"jina-es", kGpt2}, {"jina-de", kGpt2}, {"gigachat", kGpt2},
    {"jina-v2-es", kGpt2}, {"jina-v2-de", kGpt2}, {"a.x-4.0", kGpt2}, {"mellum", kGpt2}, {"modern-bert", kGpt2},
    {"exaone4", kGpt2}, {"mpt", kGpt2}, {"olmo", kGpt2}, {"jais", kGpt2}, {"trillion", kGpt2},
    {"granite-docling", kGpt2}, {"jina-v1-en", kGpt2}, {"jina-v2-code", kGpt2}, {"roberta-bpe", kGpt2},
    {"qwen2", kQwen2}, {"deepseek-r1-qwen", kQwen2}, {"kormo", kQwen2}, {"f2llmv2", kQwen2}, {"stablelm2", kQwen2},
    {"megrez", kQwen2}, {"hunyuan", kQwen2}, {"solar-open", kQwen2}, {"grok-2", kQwen2},
    {"starcoder", kStarCoder}, {"refact", kStarCoder}, {"command-r", kStarCoder}, {"smollm", kStarCoder},
    {"codeshell", kStarCoder}, {"exaone", kStarCoder}, {"minerva-7b", kStarCoder}, {"mellum2", kStarCoder},
    {"gpt-4o", kGpt4o}, {"llama4", kGpt4o}, {"kanana2", kGpt4o}, {"talkie", kGpt4o}, {"minimax-m2", kGpt4o},
    {"tekken", kTekken},
};

// Texts llama.cpp treats as end of turn / end of generation (it finds them by text because
// converters do not always write the ids). The order here decides which one becomes eot()
// when several are present.
constexpr const char* kEotTexts[] = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                     "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
                                     "<end_of_utterance>"};
constexpr const char* kEogTexts[] = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                                     "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
                                     "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
                                     "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["};
constexpr const char* kFimPreTexts[] = {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                                        "▁<PRE>", "<|code_prefix|>", "<|prefix|>"};
constexpr const char* kFimSufTexts[] = {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                                        "▁<SUF>", "<|code_suffix|>", "<|suffix|>"};
constexpr const char* kFimMidTexts[] = {"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                                        "▁<MID>", "<|code_middle|>", "<|middle|>"};
constexpr const char* kFimPadTexts[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"};
constexpr const char* kFimRepTexts[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"};
constexpr const char* kFimSepTexts[] = {"<|file_sep|>"};

Error corrupt(const gguf::GgufFile& file, std::string message) {
  return Error(ErrorCode::Corrupt, file.name(), std::move(message));
}

bool contains_text(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Reads an optional integer id key into `id` (validated against the vocabulary size).
Status read_special_id(const gguf::GgufFile& file, std::string_view key, int32_t n_tokens, int32_t& id) {
  if (id >= n_tokens) id = kNoToken;  // a default that this vocabulary does not have
  auto value = file.get_u32(key);
  if (!value) {
    if (value.error().code() == ErrorCode::NotFound) return ok_status();
    return value.error();
  }
  if (*value >= static_cast<uint32_t>(n_tokens)) {
    pw::log::warn("{}: {} = {} is outside the vocabulary ({} tokens); ignored", file.name(), key, *value, n_tokens);
    return ok_status();
  }
  id = static_cast<int32_t>(*value);
  return ok_status();
}

Status read_bool(const gguf::GgufFile& file, std::string_view key, bool& flag) {
  auto value = file.get_bool_or(key, flag);
  if (!value) return value.error();
  flag = *value;
  return ok_status();
}

}  // namespace

const PreTokenizerInfo* find_pre_tokenizer(std::string_view name) {
  if (name.empty()) return &kDefault;
  for (const auto& entry : kPreTokenizers)
    if (name == entry.name) return &entry.info;
  return nullptr;
}

int Vocab::byte_value(int32_t id) const {
  const std::string_view t = text(id);
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (t.size() != 6 || t.substr(0, 3) != "<0x" || t[5] != '>') return -1;
  const int hi = hex(t[3]), lo = hex(t[4]);
  return (hi < 0 || lo < 0) ? -1 : hi * 16 + lo;
}

Result<Vocab> load_vocab(const gguf::GgufFile& file) {
  Vocab v;
  auto model = file.get_string("tokenizer.ggml.model");
  if (!model) return model.error().with_context("reading the tokenizer");
  v.model_name = std::string(*model);
  if (file.contains("tokenizer.ggml.pre")) {
    auto pre = file.get_string("tokenizer.ggml.pre");
    if (!pre) return pre.error();
    v.pre_name = std::string(*pre);
  }

  if (v.model_name == "llama") {
    v.kind = VocabKind::Spm;
    v.ids.bos = 1;
    v.ids.eos = 2;
    v.ids.unk = 0;
    v.add_space_prefix = true;
    v.add_bos = true;
  } else if (v.model_name == "bert") {
    v.kind = VocabKind::WordPiece;
    v.ids.bos = 101;
    v.ids.unk = 100;
    v.ids.sep = 102;
    v.ids.pad = 0;
    v.ids.mask = 103;
    v.add_bos = true;
    v.add_sep = true;
  } else if (v.model_name == "gpt2") {
    v.kind = VocabKind::Bpe;
    v.ids.bos = 11;  // llama.cpp's defaults for files that name no BOS/EOS
    v.ids.eos = 11;
    const PreTokenizerInfo* info = find_pre_tokenizer(v.pre_name);
    if (!info)
      return Error(ErrorCode::Unsupported, file.name(), "unsupported pre-tokenizer '" + v.pre_name + "' (tokenizer.ggml.pre)");
    if (v.pre_name.empty())
      pw::log::warn("{}: no tokenizer.ggml.pre; using the default pre-tokenizer (token ids may differ from the model's)", file.name());
    v.pre = info->kind;
    v.ignore_merges = info->ignore_merges;
    v.add_bos = info->add_bos;
    if (info->no_bos) v.ids.bos = kNoToken;
  } else {
    return Error(ErrorCode::Unsupported, file.name(), "unsupported tokenizer model '" + v.model_name + "' (tokenizer.ggml.model)");
  }
  if (v.kind == VocabKind::Spm) PW_TRY(read_bool(file, "tokenizer.ggml.add_space_prefix", v.add_space_prefix));

  // Token texts, scores and types.
  auto tokens_value = file.get_array("tokenizer.ggml.tokens", gguf::GgufType::String);
  if (!tokens_value) return tokens_value.error().with_context("reading the tokenizer");
  const uint64_t n = tokens_value->size();
  if (n == 0) return corrupt(file, "tokenizer.ggml.tokens is empty");
  if (n > kMaxTokens)
    return Error(ErrorCode::ResourceLimit, file.name(), "tokenizer.ggml.tokens has " + std::to_string(n) + " entries (limit " + std::to_string(kMaxTokens) + ")");
  const auto n_tokens = static_cast<int32_t>(n);

  v.scores_.assign(n, 0.0f);
  if (const gguf::GgufValue* scores = file.find("tokenizer.ggml.scores")) {
    if (!scores->is_array() || (scores->element_type() != gguf::GgufType::F32 && scores->element_type() != gguf::GgufType::I32))
      return corrupt(file, "tokenizer.ggml.scores is not an array of f32 or i32");
    if (scores->size() != n)
      return corrupt(file, "tokenizer.ggml.scores has " + std::to_string(scores->size()) + " entries for " + std::to_string(n) + " tokens");
    if (scores->element_type() == gguf::GgufType::F32) {
      auto s = scores->scalars<float>();
      for (uint64_t i = 0; i < n; ++i) v.scores_[i] = s[i];
    } else {
      auto s = scores->scalars<int32_t>();
      for (uint64_t i = 0; i < n; ++i) v.scores_[i] = static_cast<float>(s[i]);
    }
  }

  v.attrs_.assign(n, kAttrNormal);
  if (const gguf::GgufValue* types = file.find("tokenizer.ggml.token_type")) {
    if (!types->is_array() || types->element_type() != gguf::GgufType::I32)
      return corrupt(file, "tokenizer.ggml.token_type is not an array of i32");
    if (types->size() != n)
      return corrupt(file, "tokenizer.ggml.token_type has " + std::to_string(types->size()) + " entries for " + std::to_string(n) + " tokens");
    auto t = types->scalars<int32_t>();
    for (uint64_t i = 0; i < n; ++i) {
      switch (t[i]) {
        case 1: v.attrs_[i] = kAttrNormal; break;
        case 2: v.attrs_[i] = kAttrUnknown; break;
        case 3: v.attrs_[i] = kAttrControl; break;
        case 4: v.attrs_[i] = kAttrUserDefined; break;
        case 5: v.attrs_[i] = kAttrUnused; break;
        case 6: v.attrs_[i] = kAttrByte; break;
        default: v.attrs_[i] = kAttrUndefined; break;
      }
    }
  }

  v.pieces_.reserve(n, tokens_value->encoded().size());
  {
    uint64_t i = 0;
    bool space_inside_piece = false;
    std::string empty_name;
    for (std::string_view text : tokens_value->strings()) {
      if (text.empty()) {  // llama.cpp's placeholder, so ids stay dense and lookups stay unique
        empty_name = "[EMPTY_" + std::to_string(i) + "]";
        text = empty_name;
      }
      auto [id, added] = v.pieces_.insert(text);
      if (!added) {
        if (id == PieceTable::kAbsent) return Error(ErrorCode::ResourceLimit, file.name(), "tokenizer vocabulary too large");
        return corrupt(file, "duplicate token in vocabulary: ids " + std::to_string(id) + " and " + std::to_string(i));
      }
      v.max_token_bytes = std::max(v.max_token_bytes, text.size());
      for (size_t p = text.find("\xE2\x96\x81", 1); p != std::string_view::npos; p = text.find("\xE2\x96\x81", p + 1))
        if (p < 3 || text.compare(p - 3, 3, "\xE2\x96\x81") != 0) space_inside_piece = true;
      ++i;
    }
    v.spaces_only_start_pieces = !space_inside_piece;
  }

  // Special ids: per-model defaults, then the file's keys.
  const std::pair<const char*, int32_t*> id_keys[] = {
      {"tokenizer.ggml.bos_token_id", &v.ids.bos},       {"tokenizer.ggml.eos_token_id", &v.ids.eos},
      {"tokenizer.ggml.eot_token_id", &v.ids.eot},       {"tokenizer.ggml.eom_token_id", &v.ids.eom},
      {"tokenizer.ggml.unknown_token_id", &v.ids.unk},   {"tokenizer.ggml.seperator_token_id", &v.ids.sep},
      {"tokenizer.ggml.padding_token_id", &v.ids.pad},   {"tokenizer.ggml.mask_token_id", &v.ids.mask},
  };
  for (const auto& [key, id] : id_keys) PW_TRY(read_special_id(file, key, n_tokens, *id));
  if (v.kind == VocabKind::WordPiece && !file.contains("tokenizer.ggml.bos_token_id"))
    PW_TRY(read_special_id(file, "tokenizer.ggml.cls_token_id", n_tokens, v.ids.bos));
  int32_t fim_pre = kNoToken, fim_suf = kNoToken, fim_mid = kNoToken, fim_pad = kNoToken, fim_rep = kNoToken,
          fim_sep = kNoToken;
  const std::pair<const char*, int32_t*> fim_keys[] = {
      {"tokenizer.ggml.fim_pre_token_id", &fim_pre}, {"tokenizer.ggml.fim_suf_token_id", &fim_suf},
      {"tokenizer.ggml.fim_mid_token_id", &fim_mid}, {"tokenizer.ggml.fim_pad_token_id", &fim_pad},
      {"tokenizer.ggml.fim_rep_token_id", &fim_rep}, {"tokenizer.ggml.fim_sep_token_id", &fim_sep},
      {"tokenizer.ggml.prefix_token_id", &fim_pre},  {"tokenizer.ggml.suffix_token_id", &fim_suf},
      {"tokenizer.ggml.middle_token_id", &fim_mid},
  };
  for (const auto& [key, id] : fim_keys) PW_TRY(read_special_id(file, key, n_tokens, *id));

  PW_TRY(read_bool(file, "tokenizer.ggml.add_bos_token", v.add_bos));
  PW_TRY(read_bool(file, "tokenizer.ggml.add_eos_token", v.add_eos));
  PW_TRY(read_bool(file, "tokenizer.ggml.add_sep_token", v.add_sep));
  if (v.kind == VocabKind::WordPiece) {
    // Encoding always needs these: [CLS] ... [SEP] and [UNK] for words that cannot be split.
    if (v.ids.bos == kNoToken || v.ids.sep == kNoToken || v.ids.unk == kNoToken)
      return corrupt(file, "WordPiece vocabulary without valid [CLS], [SEP] and [UNK] ids");
  }
  if (v.add_bos && v.ids.bos == kNoToken) return corrupt(file, "tokenizer.ggml.add_bos_token is true but there is no valid BOS token");
  if (v.add_eos && v.ids.eos == kNoToken) return corrupt(file, "tokenizer.ggml.add_eos_token is true but there is no valid EOS token");
  if (v.add_sep && v.ids.sep == kNoToken)
    return corrupt(file, "tokenizer.ggml.add_sep_token is true but there is no valid separator token");

  PW_TRY(read_bool(file, "tokenizer.ggml.normalizer.lowercase", v.lowercase));
  v.strip_accents = v.lowercase;
  PW_TRY(read_bool(file, "tokenizer.ggml.normalizer.strip_accents", v.strip_accents));

  // Tokens recognised by their text (what llama.cpp does; they become control tokens).
  const auto find_first = [&](std::initializer_list<const char*> texts) {
    for (const char* t : texts)
      if (int32_t id = v.find(t); id != kNoToken) return id;
    return kNoToken;
  };
  const auto detect = [&](int32_t& id, const auto& texts) {
    if (id != kNoToken) return;
    for (const char* t : texts) {
      if (int32_t found = v.find(t); found != kNoToken) {
        id = found;
        v.attrs_[static_cast<size_t>(found)] |= kAttrControl;
        return;
      }
    }
  };
  detect(v.ids.eot, kEotTexts);
  detect(v.ids.eom, std::initializer_list<const char*>{"<|eom_id|>"});
  detect(fim_pre, kFimPreTexts);
  detect(fim_suf, kFimSufTexts);
  detect(fim_mid, kFimMidTexts);
  detect(fim_pad, kFimPadTexts);
  detect(fim_rep, kFimRepTexts);
  detect(fim_sep, kFimSepTexts);

  for (int32_t id = 0; id < n_tokens; ++id) {
    uint16_t& a = v.attrs_[static_cast<size_t>(id)];
    if ((a & kAttrControl) && contains_text(v.text(id), "unused")) a |= kAttrUnused;
  }

  std::vector<int32_t> eog;
  for (int32_t id : {fim_pad, fim_rep, fim_sep})
    if (id != kNoToken) eog.push_back(id);
  for (const char* t : kEogTexts) {
    if (int32_t id = v.find(t); id != kNoToken) {
      eog.push_back(id);
      v.attrs_[static_cast<size_t>(id)] |= kAttrControl;
    }
  }
  // gpt-oss: these are rendered as text.
  for (const char* t : {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"})
    if (int32_t id = v.find(t); id != kNoToken) v.attrs_[static_cast<size_t>(id)] = kAttrUserDefined;
  for (int32_t id : {v.ids.eos, v.ids.eot, v.ids.eom})
    if (id != kNoToken) eog.push_back(id);
  std::sort(eog.begin(), eog.end());
  eog.erase(std::unique(eog.begin(), eog.end()), eog.end());
  const auto in_eog = [&](int32_t id) { return id != kNoToken && std::binary_search(eog.begin(), eog.end(), id); };
  const auto drop_eog = [&](int32_t id, uint16_t attr) {
    eog.erase(std::remove(eog.begin(), eog.end(), id), eog.end());
    v.attrs_[static_cast<size_t>(id)] = attr;
  };
  {
    // o200k_harmony / solar-open: "<|end|>" ends a message, not the generation.
    const int32_t end = find_first({"<|end|>"});
    const bool has_return = in_eog(find_first({"<|return|>"}));
    const bool has_call = in_eog(find_first({"<|call|>"})) || in_eog(find_first({"<|calls|>"}));
    const bool has_flush = in_eog(find_first({"<|flush|>"}));
    if (in_eog(end) && ((has_return && has_call) || (has_call && has_flush))) drop_eog(end, kAttrUserDefined);
    // Gemma 4 / PaddleOCR: "</s>" is not an end of generation there.
    const int32_t s_end = find_first({"</s>"});
    if (in_eog(s_end) && in_eog(find_first({"<|tool_response>"}))) drop_eog(s_end, kAttrNormal);
  }
  v.eog_ids = std::move(eog);

  // Tokens matched as whole units before the text is tokenised, longest first.
  for (int32_t id = 0; id < n_tokens; ++id)
    if (v.has_attr(id, kAttrControl | kAttrUserDefined | kAttrUnknown)) v.specials_longest.push_back(id);
  std::stable_sort(v.specials_longest.begin(), v.specials_longest.end(),
                   [&](int32_t a, int32_t b) { return v.text(a).size() > v.text(b).size(); });

  // Per-model strip rules that GGUF files do not carry (llama.cpp keys them on names).
  {
    std::string name;
    if (file.contains("general.name")) {
      auto general_name = file.get_string("general.name");
      if (!general_name) return general_name.error();
      name = std::string(*general_name);
    }
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string arch;
    if (file.contains("general.architecture")) {
      auto a = file.get_string("general.architecture");
      if (!a) return a.error();
      arch = std::string(*a);
    }
    const auto set_attr = [&](const char* text, uint16_t attr, bool on) {
      const int32_t id = v.find(text);
      if (id == kNoToken) return;
      uint16_t& a = v.attrs_[static_cast<size_t>(id)];
      a = on ? static_cast<uint16_t>(a | attr) : static_cast<uint16_t>(a & ~attr);
    };
    if (contains_text(v.pre_name, "jina-v2-de") || contains_text(v.pre_name, "jina-v2-es") ||
        contains_text(v.pre_name, "jina-v2-code") || contains_text(arch, "nomic-bert-moe") ||
        contains_text(arch, "jina-bert-v3")) {
      set_attr("<mask>", kAttrLstrip, true);
    } else if (contains_text(name, "phi-3") || contains_text(name, "phi3")) {
      for (int32_t id : v.specials_longest) v.attrs_[static_cast<size_t>(id)] |= kAttrRstrip;
      set_attr("</s>", kAttrRstrip, true);
      for (const char* t : {"<unk>", "<s>", "<|endoftext|>"}) set_attr(t, kAttrRstrip, false);
    } else if (contains_text(name, "modern-bert")) {
      set_attr("[MASK]", kAttrLstrip, true);
    }
  }

  // SentencePiece byte fallback: "<0xXX>", else the one-byte piece itself.
  for (int b = 0; b < 256; ++b) {
    static const char* const kHex = "0123456789ABCDEF";
    const char name[6] = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
    int32_t id = v.find(std::string_view(name, 6));
    if (id == kNoToken) {
      const char one = static_cast<char>(b);
      id = v.find(std::string_view(&one, 1));
    }
    v.byte_tokens_[b] = id;
  }
  return v;
}

}  // namespace pw::tokenizer
