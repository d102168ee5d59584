#include "ingest/pdf_extractor.h"

#include <algorithm>
#include <optional>

#include "ingest/child_process.h"
#include "ingest/document_title.h"
#include "ingest/normalize.h"
#include "ingest/pdf_wire.h"
#include "ingest/running_headers.h"
#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

using Clock = std::chrono::steady_clock;

std::string quoted_name(const std::filesystem::path& path) { return "'" + utf8::repair(path.filename().string()) + "'"; }

std::string size_text(size_t bytes) {
  if (bytes >= (size_t{1} << 30) && bytes % (size_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (size_t{1} << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes >> 10) + " KiB";
}

std::string seconds(std::chrono::milliseconds ms) {
  const auto s = ms.count() / 1000;
  return s > 0 ? std::to_string(s) + " s" : std::to_string(ms.count()) + " ms";
}

ExtractedDocument failed(const std::filesystem::path& path, DocumentStatus status, std::string message) {
  ExtractedDocument doc;
  doc.path = path.string();
  doc.format = "pdf";
  doc.title = utf8::repair(path.stem().string());
  doc.status = status;
  doc.error = std::move(message);
  return doc;
}

int count_alnum(std::string_view text) {
  int n = 0;
  size_t i = 0;
  char32_t cp;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      n += (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
      ++i;
      continue;
    }
    utf8::next(text, i, cp);
    n += is_letter(cp);
  }
  return n;
}

// Where the reader was when it stopped: the page after the last one it sent.
int stopped_at(int next_page, const std::vector<PdfPageText>& received) {
  return received.empty() ? next_page : received.back().number + 1;
}

std::string progress(int page, const std::optional<PdfInfo>& info) {
  if (!info || info->outcome != PdfOpenOutcome::Opened) return "while opening it";
  return "at page " + std::to_string(std::min(page, info->page_count)) + " of " + std::to_string(info->page_count);
}

Result<ExtractedDocument> extract_in_process(const std::filesystem::path& path, const ExtractOptions& options) {
  const auto deadline = Clock::now() + options.time_budget;
  std::optional<PdfInfo> info;
  std::vector<PdfPageText> pages;
  bool timed_out = false;
  read_pdf(path.string(), options.password, options.max_pages, 1,
           [&](const PdfInfo& i) {
             info = i;
             return true;
           },
           [&](PdfPageText page) {
             pages.push_back(std::move(page));
             if (Clock::now() > deadline) timed_out = true;
             return !timed_out;
           });
  if (timed_out)
    return failed(path, DocumentStatus::TooLarge,
                  quoted_name(path) + " took longer than the " + seconds(options.time_budget) +
                      " time budget to read (stopped " + progress(stopped_at(1, pages), info) + ")");
  if (!info) return failed(path, DocumentStatus::Damaged, quoted_name(path) + " could not be read as a PDF");
  return build_pdf_document(path, *info, std::move(pages), {});
}

Result<ExtractedDocument> extract_isolated(const std::filesystem::path& path, const ExtractOptions& options) {
  const auto deadline = Clock::now() + options.time_budget;
  const std::string path_string = path.string();
  std::optional<PdfInfo> info;
  std::vector<PdfPageText> pages;
  std::vector<int> lost;
  int next_page = 1;
  for (int attempt = 0;; ++attempt) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    ChildLimits limits;
    limits.wall_time = std::max(left, std::chrono::milliseconds(1));
    limits.memory_bytes = options.memory_budget;
    limits.max_output_bytes = std::min(options.memory_budget, size_t{512} << 20);
    const int first_page = next_page;
    ChildOutcome r = run_in_child(
        [&](int fd) {
          std::string buf;
          read_pdf(path_string, options.password, options.max_pages, first_page,
                   [&](const PdfInfo& i) {
                     pdf_wire::append_info(buf, i);
                     const bool ok = write_all(fd, buf);
                     buf.clear();
                     return ok;
                   },
                   [&](PdfPageText page) {
                     pdf_wire::append_page(buf, page);
                     const bool ok = write_all(fd, buf);
                     buf.clear();
                     return ok;
                   });
          pdf_wire::append_end(buf);
          write_all(fd, buf);
        },
        limits);
    if (r.kind == ChildOutcome::Kind::StartFailed)
      return Error(ErrorCode::ResourceLimit, path.string(), "could not start the PDF reader process: " + r.error);
    pdf_wire::Decoded d = pdf_wire::decode(r.output);
    r.output.clear();
    if (!info && d.info) info = d.info;
    const int stop = stopped_at(first_page, d.pages);
    for (auto& p : d.pages) pages.push_back(std::move(p));
    if (d.complete && r.kind == ChildOutcome::Kind::Exited && r.exit_code == 0) break;

    switch (r.kind) {
      case ChildOutcome::Kind::TimedOut:
        return failed(path, DocumentStatus::TooLarge,
                      quoted_name(path) + " took longer than the " + seconds(options.time_budget) +
                          " time budget to read (stopped " + progress(stop, info) + ")");
      case ChildOutcome::Kind::OutOfMemory:
        return failed(path, DocumentStatus::TooLarge,
                      quoted_name(path) + " needs more than the " + size_text(options.memory_budget) +
                          " memory budget to read (stopped " + progress(stop, info) + ")");
      case ChildOutcome::Kind::OutputTooLarge:
        return failed(path, DocumentStatus::TooLarge,
                      quoted_name(path) + " holds more than " + size_text(limits.max_output_bytes) + " of text");
      default:
        break;
    }
    // A crash (or an unexpected exit) of the reader.
    const std::string how = r.kind == ChildOutcome::Kind::Crashed ? "crashed (signal " + std::to_string(r.signal) + ")"
                                                                   : "failed (exit code " + std::to_string(r.exit_code) + ")";
    if (!info || info->outcome != PdfOpenOutcome::Opened)
      return failed(path, DocumentStatus::Damaged,
                    "the PDF reader " + how + " while opening " + quoted_name(path) + "; the file is damaged");
    if (attempt >= kMaxReaderRestarts || stop > info->page_count)
      return failed(path, DocumentStatus::Damaged,
                    "the PDF reader " + how + " on " + quoted_name(path) + " " + progress(stop, info) +
                        "; the file is damaged");
    lost.push_back(stop);  // skip the page it died on and read on
    next_page = stop + 1;
    if (next_page > info->page_count) break;
  }
  if (!info) return failed(path, DocumentStatus::Damaged, quoted_name(path) + " could not be read as a PDF");
  return build_pdf_document(path, *info, std::move(pages), lost);
}

}  // namespace

std::string page_ranges(const std::vector<int>& pages) {
  std::string out;
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(pages[i]);
    if (j > i) out += "-" + std::to_string(pages[j]);
    i = j + 1;
  }
  return out;
}

ExtractedDocument build_pdf_document(const std::filesystem::path& path, const PdfInfo& info,
                                     std::vector<PdfPageText> raw_pages, const std::vector<int>& lost_pages) {
  const std::string name = quoted_name(path);
  switch (info.outcome) {
    case PdfOpenOutcome::NeedsPassword:
      return failed(path, DocumentStatus::Encrypted, name + " is password-protected; enter its password to add it");
    case PdfOpenOutcome::WrongPassword:
      return failed(path, DocumentStatus::Encrypted, "the password does not open " + name);
    case PdfOpenOutcome::Damaged:
      return failed(path, DocumentStatus::Damaged,
                    name + " could not be opened as a PDF; the file is damaged or not a PDF" +
                        (info.detail.empty() ? "" : " (" + info.detail + ")"));
    case PdfOpenOutcome::TooManyPages:
      return failed(path, DocumentStatus::TooLarge,
                    name + " has " + std::to_string(info.page_count) + " pages, more than the limit");
    case PdfOpenOutcome::NoPages:
      return failed(path, DocumentStatus::Damaged, name + " has no pages; the file is damaged");
    case PdfOpenOutcome::Opened:
      break;
  }
  ExtractedDocument doc;
  doc.path = path.string();
  doc.format = "pdf";
  const int n = info.page_count;
  doc.pages.resize(static_cast<size_t>(n));
  std::vector<std::string> texts(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    doc.pages[i].number = i + 1;
    doc.pages[i].label = std::to_string(i + 1);
  }
  for (PdfPageText& p : raw_pages) {
    if (p.number < 1 || p.number > n) continue;
    doc.pages[p.number - 1].label = normalize_text(p.label);
    if (doc.pages[p.number - 1].label.empty()) doc.pages[p.number - 1].label = std::to_string(p.number);
    texts[p.number - 1] = normalize_text(p.text);
    p.text.clear();
    p.text.shrink_to_fit();
  }
  const RunningText running = remove_running_text(texts);
  doc.running_header = running.header;
  doc.running_footer = running.footer;
  bool hyphens = false;
  for (const std::string& t : texts) hyphens = hyphens || has_line_end_hyphen(t);
  if (hyphens) {
    HyphenationLexicon lexicon;
    for (const std::string& t : texts) lexicon.add_text(t);
    for (std::string& t : texts)
      if (has_line_end_hyphen(t)) t = join_hyphenated_lines(t, &lexicon);
  }
  for (int i = 0; i < n; ++i) {
    doc.pages[i].text = std::move(texts[i]);
    if (count_alnum(doc.pages[i].text) < kMinTextCharsPerPage) doc.pages_without_text.push_back(i + 1);
  }
  doc.title = choose_title(info.title, doc.pages, path, false);
  doc.author = clean_metadata_title(info.author);

  const int without = static_cast<int>(doc.pages_without_text.size());
  if (without == n) {
    doc.status = DocumentStatus::NeedsOcr;
    doc.error = name + " has no text layer (" +
                (n == 1 ? std::string("its page is a scanned image or blank")
                        : "all " + std::to_string(n) + " pages are scanned images or blank") +
                "); run OCR on it first";
  } else if (without * 2 > n) {
    doc.status = DocumentStatus::NeedsOcr;
    doc.error = name + " has no text layer on " + std::to_string(without) + " of " + std::to_string(n) +
                " pages (" + page_ranges(doc.pages_without_text) + "); run OCR on it to search those pages";
  }
  if (!lost_pages.empty()) {
    if (!doc.error.empty()) doc.error += "; ";
    doc.error += "the PDF reader crashed on page" + std::string(lost_pages.size() > 1 ? "s " : " ") +
                 page_ranges(lost_pages) + " of " + name + ", which " + (lost_pages.size() > 1 ? "were" : "was") +
                 " skipped";
  }
  return doc;
}

Result<ExtractedDocument> extract_pdf(const std::filesystem::path& path, const ExtractOptions& options) {
  return options.isolate_pdf ? extract_isolated(path, options) : extract_in_process(path, options);
}

}  // namespace pw::ingest
