#include "rag/answer/answer_pipeline.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "rag/answer/answer_sentences.h"
#include "rag/answer/citation_parser.h"
#include "rag/answer/evidence_check.h"
#include "rag/answer/extractive_answer.h"
#include "rag/answer/follow_up.h"
#include "rag/answer/prompt_builder.h"
#include "rag/answer/source_snippets.h"

namespace pw::rag {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A numbered source with what checking needs: the page map of its hit chunk and the facts
// of the text the model was given.
struct SourceData {
  AnswerSource source;
  std::unique_ptr<ChunkPageMap> pages;
  std::unique_ptr<EvidenceIndex> evidence;
  std::string core_text;  // the hit chunk's text (what page ranges refer to)
};

Result<std::vector<SourceData>> make_sources(LibraryStore& store, const RetrievalResult& retrieval,
                                             std::span<const size_t> passage_indexes,
                                             std::span<const std::string> given_texts) {
  std::vector<SourceData> out;
  for (size_t k = 0; k < passage_indexes.size(); ++k) {
    const Passage& p = retrieval.passages[passage_indexes[k]];
    SourceData d;
    AnswerSource& s = d.source;
    s.number = static_cast<int>(k) + 1;
    s.chunk_id = p.chunk_id;
    s.document_id = p.document_id;
    s.document_path = p.document_path;
    s.document_title = p.document_title;
    s.heading_path = p.heading_path;
    s.page_start = p.page_start;
    s.page_end = p.page_end;
    s.text = k < given_texts.size() ? given_texts[k] : p.full_text();
    s.score = p.score;
    s.term_coverage = p.term_coverage;
    std::vector<PageRecord> pages;
    for (int n = p.page_start; n <= p.page_end && n - p.page_start < 64; ++n) {
      auto page = store.page_text(p.document_id, n);
      if (page) pages.push_back(std::move(*page));
      else if (page.error().code() != ErrorCode::NotFound) return page.error();
    }
    d.pages = std::make_unique<ChunkPageMap>(p.page_start, p.char_start, p.page_end, p.char_end, p.text, pages);
    Snippet snippet = best_snippet(p.text, retrieval.query, retrieval.term_weights);
    s.snippet = snippet.text;
    s.snippet_highlights = snippet.highlights;
    s.snippet_location = d.pages->locate(snippet.range);
    d.evidence = std::make_unique<EvidenceIndex>(s.document_title + "\n" + s.heading_path + "\n" + s.text);
    d.core_text = p.text;
    out.push_back(std::move(d));
  }
  return out;
}

// Sentences, their citations' page locations and the evidence check. `quoted`: the text is
// paragraphs quoted from the sources, each closed by its source's marker (extractive), so
// every sentence of a paragraph cites that source.
void check_sentences(Answer& answer, const std::vector<CitationMark>& marks, std::vector<SourceData>& sources,
                     bool quoted = false) {
  answer.sentences = split_answer(answer.text, marks);
  if (quoted) inherit_paragraph_citations(answer.text, answer.sentences);
  for (AnswerSentence& sentence : answer.sentences) {
    std::vector<const EvidenceIndex*> cited;
    for (int n : sentence.citations) {
      if (n < 1 || static_cast<size_t>(n) > sources.size()) continue;
      SourceData& d = sources[static_cast<size_t>(n) - 1];
      d.source.cited = true;
      cited.push_back(d.evidence.get());
      TextRange best = best_matching_sentence(d.core_text, sentence.text);
      PageHighlight where = best.end > best.begin ? d.pages->locate(best) : d.source.snippet_location;
      sentence.locations.push_back(SentenceCitation{n, where});
    }
    EvidenceResult r = check_evidence(sentence.text, cited);
    sentence.supported = r.supported;
    sentence.unsupported_facts = std::move(r.missing);
  }
}

std::vector<AnswerSource> public_sources(const std::vector<SourceData>& data) {
  std::vector<AnswerSource> out;
  for (const auto& d : data) out.push_back(d.source);
  return out;
}

}  // namespace

const char* to_string(AnswerMode mode) {
  switch (mode) {
    case AnswerMode::Generated: return "generated";
    case AnswerMode::Extractive: return "extractive";
    case AnswerMode::NotFound: return "not_found";
  }
  return "not_found";
}

AnswerPipeline::AnswerPipeline(LibraryStore& store, Retriever& retriever, TextGenerator* generator)
    : store_(store), retriever_(retriever), generator_(generator) {}

Result<Answer> AnswerPipeline::answer(std::string_view question, const AnswerOptions& options, const AnswerEvents& events) {
  const auto start = Clock::now();
  Answer answer;
  answer.question = std::string(question);
  answer.standalone_question = standalone_question(question, options.history);
  question = answer.standalone_question;
  auto retrieval = retriever_.search({question, std::max<size_t>(options.retrieve_k, 1), options.filter, options.retrieval_mode});
  if (!retrieval) return retrieval.error();
  if (answer.standalone_question != answer.question) prefer_follow_up_words(answer.question, retrieval->passages);
  answer.timings.retrieval_ms = ms_since(start);
  answer.term_coverage = retrieval->best_term_coverage;
  answer.semantic_used = retrieval->semantic_used;

  auto emit_sources = [&](AnswerMode mode, const std::vector<SourceData>& data) {
    answer.mode = mode;
    if (events.on_sources) events.on_sources(mode, public_sources(data));
  };
  auto indexes_up_to = [&](size_t n) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < retrieval->passages.size() && i < n; ++i) idx.push_back(i);
    return idx;
  };

  // Not found: no model call; the closest passages are shown.
  if (!retrieval->relevant) {
    auto idx = indexes_up_to(options.not_found_passages);
    auto data = make_sources(store_, *retrieval, idx, {});
    if (!data) return data.error();
    emit_sources(AnswerMode::NotFound, *data);
    answer.text = kNotFoundAnswer;
    if (events.on_text) events.on_text(answer.text);
    check_sentences(answer, {}, *data);
    answer.sources = public_sources(*data);
    answer.timings.total_ms = ms_since(start);
    return answer;
  }

  if (generator_ != nullptr && !options.extractive) {
    auto t_prompt = Clock::now();
    std::vector<Passage> offered(retrieval->passages.begin(),
                                 retrieval->passages.begin() + static_cast<long>(std::min(options.max_sources, retrieval->passages.size())));
    PromptBudget budget;
    budget.context_tokens = options.context_tokens > 0 ? options.context_tokens : generator_->context_tokens();
    budget.answer_tokens = options.answer_tokens;
    budget.count_tokens = [this](std::string_view s) { return generator_->count_tokens(s); };
    auto prompt = build_prompt(question, offered, budget);
    if (!prompt) return prompt.error();
    auto data = make_sources(store_, *retrieval, prompt->sources, prompt->source_texts);
    if (!data) return data.error();
    answer.prompt_tokens = prompt->tokens;
    answer.model = generator_->model_name();
    answer.quantization = generator_->quantization();
    answer.timings.prompt_ms = ms_since(t_prompt);
    emit_sources(AnswerMode::Generated, *data);

    CitationStreamParser parser(static_cast<int>(data->size()));
    auto t_gen = Clock::now();
    bool first = true;
    auto on_piece = [&](std::string_view piece) {
      if (first) {
        answer.timings.first_token_ms = ms_since(t_gen);
        first = false;
      }
      std::string shown = parser.feed(piece);
      if (!shown.empty() && events.on_text) events.on_text(shown);
    };
    Status generated = generator_->generate(GenerationRequest{prompt->messages, options.answer_tokens, options.temperature},
                                            on_piece, events.cancel);
    if (!generated.ok()) return generated.error();
    std::string tail = parser.finish();
    if (!tail.empty() && events.on_text) events.on_text(tail);
    answer.timings.generation_ms = ms_since(t_gen);
    answer.text = parser.text();
    answer.dropped_citations = parser.dropped();
    auto t_check = Clock::now();
    check_sentences(answer, parser.marks(), *data);
    answer.timings.check_ms = ms_since(t_check);
    answer.sources = public_sources(*data);
    answer.timings.total_ms = ms_since(start);
    return answer;
  }

  // Extractive: the best passages, quoted with their pages.
  auto idx = indexes_up_to(options.max_sources);
  auto data = make_sources(store_, *retrieval, idx, {});
  if (!data) return data.error();
  emit_sources(AnswerMode::Extractive, *data);
  std::vector<AnswerSource> listed = public_sources(*data);
  ExtractiveText e = compose_extractive(listed, retrieval->query, options.extractive_passages);
  answer.text = e.text;
  answer.highlights = e.highlights;
  if (events.on_text) events.on_text(answer.text);
  auto t_check = Clock::now();
  check_sentences(answer, e.marks, *data, /*quoted=*/true);
  answer.timings.check_ms = ms_since(t_check);
  answer.sources = public_sources(*data);
  answer.timings.total_ms = ms_since(start);
  return answer;
}

}  // namespace pw::rag
