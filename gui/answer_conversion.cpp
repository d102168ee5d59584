#include "gui/answer_conversion.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <QObject>

#include "rag/retrieval/text_sentences.h"

namespace pw::gui {

namespace {

QString q(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

std::set<std::string> words_of(std::string_view text) {
  std::set<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.size() > 2) words.insert(word);
    word.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace

QString passage_text_on_page(rag::LibraryStore& store, int64_t document_id, int page, uint32_t char_start,
                             uint32_t char_end, bool ends_on_same_page) {
  auto text = store.page_text(document_id, page);
  if (!text) return {};
  const std::string& t = text->text;
  if (char_start >= t.size()) return {};
  const size_t end = ends_on_same_page ? std::min<size_t>(char_end, t.size()) : t.size();
  if (end <= char_start) return {};
  return q(t.substr(char_start, end - char_start));
}

ShownSource shown_source(const rag::Passage& p, int number, rag::LibraryStore& store) {
  ShownSource s;
  s.number = number;
  s.chunk_id = p.chunk_id;
  s.document_id = p.document_id;
  s.path = q(p.document_path);
  s.title = q(p.document_title);
  s.heading_path = q(p.heading_path);
  s.page_start = p.page_start;
  s.page_end = p.page_end;
  s.text = q(p.full_text());
  s.highlight_page = p.page_start;
  s.highlight_text =
      passage_text_on_page(store, p.document_id, p.page_start, p.char_start, p.char_end, p.page_end == p.page_start);
  if (s.highlight_text.isEmpty()) s.highlight_text = q(p.text);
  return s;
}

std::string best_sentences(std::string_view text, std::string_view question, size_t max_sentences) {
  const auto wanted = words_of(question);
  const auto spans = rag::sentence_spans(text);
  if (spans.empty()) return std::string(text);
  std::vector<std::pair<size_t, size_t>> scored;  // (overlap, index)
  for (size_t i = 0; i < spans.size(); ++i) {
    size_t overlap = 0;
    for (const auto& w : words_of(text.substr(spans[i].begin, spans[i].size()))) overlap += wanted.count(w);
    scored.emplace_back(overlap, i);
  }
  std::stable_sort(scored.begin(), scored.end(), [](auto a, auto b) { return a.first > b.first; });
  std::vector<size_t> chosen;
  for (size_t i = 0; i < scored.size() && chosen.size() < max_sentences; ++i)
    if (scored[i].first > 0 || chosen.empty()) chosen.push_back(scored[i].second);
  std::sort(chosen.begin(), chosen.end());
  std::string out;
  for (size_t i : chosen) {
    if (!out.empty()) out += ' ';
    std::string sentence(text.substr(spans[i].begin, spans[i].size()));
    std::replace(sentence.begin(), sentence.end(), '\n', ' ');
    out += sentence;
  }
  return out;
}

ShownAnswer extractive_answer(const QString& question, const rag::RetrievalResult& result, rag::LibraryStore& store,
                              size_t max_sources, size_t quoted_passages) {
  ShownAnswer a;
  a.question = question;
  a.mode = result.relevant ? ShownAnswer::Mode::Extractive : ShownAnswer::Mode::NotFound;
  const size_t n = std::min(result.passages.size(), a.mode == ShownAnswer::Mode::NotFound ? size_t{3} : max_sources);
  const std::string question_utf8 = question.toStdString();
  for (size_t i = 0; i < n; ++i) {
    ShownSource s = shown_source(result.passages[i], static_cast<int>(i) + 1, store);
    s.snippet = q(best_sentences(result.passages[i].text, question_utf8, 2));
    a.sources.push_back(s);
  }
  if (a.mode == ShownAnswer::Mode::NotFound) {
    a.text = QObject::tr(kNotFoundText);
    return a;
  }
  QStringList parts;
  for (qsizetype i = 0; i < a.sources.size() && static_cast<size_t>(i) < quoted_passages; ++i) {
    ShownSource& s = a.sources[i];
    s.cited = true;
    parts << QString("> %1 [%2]").arg(s.snippet).arg(s.number);
    a.sentences.push_back({s.snippet, true, {}});
  }
  a.text = parts.join("\n\n");
  return a;
}

std::vector<chat::ChatMessage> grounded_messages(ShownAnswer& with_sources, const QString& question,
                                                 size_t max_chars_per_source,
                                                 const std::function<size_t(std::string_view)>& count_tokens,
                                                 size_t token_budget) {
  const std::string system =
      "You answer questions about the user's documents using only the numbered sources given. Cite the source of "
      "every statement as [n]. If the sources do not contain the answer, say that you could not find it.";
  const std::string tail = "Question: " + question.toStdString();
  size_t used = count_tokens(system) + count_tokens(tail) + 96;  // 96: the chat template's own tokens
  std::string sources;
  QVector<ShownSource> given;
  for (const auto& s : with_sources.sources) {
    std::string text = s.text.toStdString();
    if (text.size() > max_chars_per_source) text.resize(max_chars_per_source);
    const std::string block = "[" + std::to_string(s.number) + "] " + s.title.toStdString() + ", page " +
                              std::to_string(s.page_start) + ":\n" + text + "\n\n";
    std::string fitted = block;
    size_t tokens = count_tokens(fitted);
    if (used + tokens > token_budget) {
      // The best source is cut to fit rather than left out; the others are dropped.
      const size_t room = token_budget > used ? token_budget - used : 0;
      if (!given.isEmpty() || room < 24) break;
      size_t keep = block.size() * room / tokens;
      while (keep > 0) {
        fitted = block.substr(0, keep);
        while (!fitted.empty() && (static_cast<unsigned char>(fitted.back()) & 0xC0) == 0x80) fitted.pop_back();
        if (!fitted.empty() && (static_cast<unsigned char>(fitted.back()) & 0x80)) fitted.pop_back();  // a lead byte
        tokens = count_tokens(fitted);
        if (used + tokens <= token_budget) break;
        keep = keep * 9 / 10;
      }
      if (keep == 0) break;
      fitted += "\n\n";
    }
    used += tokens;
    sources += fitted;
    given.push_back(s);
  }
  with_sources.sources = given;
  return {{"system", system}, {"user", "Sources:\n\n" + sources + tail}};
}

#ifdef PAGEWISE_GUI_ANSWER_PIPELINE
ShownSource from_core_source(const rag::AnswerSource& src, rag::LibraryStore& store) {
  ShownSource s;
  s.number = src.number;
  s.chunk_id = src.chunk_id;
  s.document_id = src.document_id;
  s.path = q(src.document_path);
  s.title = q(src.document_title);
  s.heading_path = q(src.heading_path);
  s.page_start = src.page_start;
  s.page_end = src.page_end;
  s.text = q(src.text);
  s.snippet = q(src.snippet);
  s.cited = src.cited;
  s.highlight_page = src.snippet_location.page > 0 ? src.snippet_location.page : src.page_start;
  s.highlight_text = passage_text_on_page(store, src.document_id, s.highlight_page, src.snippet_location.char_start,
                                          src.snippet_location.char_end, true);
  if (s.highlight_text.isEmpty()) s.highlight_text = s.snippet;
  return s;
}

ShownAnswer from_core_answer(const rag::Answer& answer, rag::LibraryStore& store) {
  ShownAnswer a;
  switch (answer.mode) {
    case rag::AnswerMode::Generated: a.mode = ShownAnswer::Mode::Generated; break;
    case rag::AnswerMode::Extractive: a.mode = ShownAnswer::Mode::Extractive; break;
    case rag::AnswerMode::NotFound: a.mode = ShownAnswer::Mode::NotFound; break;
  }
  a.question = q(answer.question);
  a.text = q(answer.text);
  for (const auto& s : answer.sentences) {
    ShownSentence shown{q(s.text), s.supported, {}};
    for (const auto& f : s.unsupported_facts) shown.unsupported_facts << q(f);
    a.sentences.push_back(shown);
  }
  for (const auto& s : answer.sources) a.sources.push_back(from_core_source(s, store));
  a.model = q(answer.model);
  a.quantization = q(answer.quantization);
  a.seconds = answer.timings.total_ms / 1000.0;
  return a;
}
#endif

}  // namespace pw::gui
