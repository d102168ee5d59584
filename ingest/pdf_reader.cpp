#include "ingest/pdf_reader.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "ingest/utf8.h"

namespace pw::ingest {
namespace {

// Poppler reports problems through one global callback; route them to the thread that is
// reading (each reading thread sets its own target).
thread_local std::string* g_poppler_errors = nullptr;

void collect_poppler_error(const std::string& message, void*) {
  if (!g_poppler_errors || !g_poppler_errors->empty()) return;  // keep the first one only
  *g_poppler_errors = utf8::repair(message.substr(0, 200));
}

void install_error_handler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(collect_poppler_error, nullptr); });
}

std::string to_utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return utf8::repair(std::string_view(bytes.data(), bytes.size()));
}

// Latin-1 bytes of a UTF-8 password, or empty when it has characters outside Latin-1.
// PDF encryption up to revision 4 takes the password in PDFDocEncoding (Latin-1 for letters).
std::string latin1_password(const std::string& password) {
  std::string out;
  size_t i = 0;
  char32_t cp;
  while (i < password.size()) {
    utf8::next(password, i, cp);
    if (cp > 0xFF) return {};
    out.push_back(static_cast<char>(cp));
  }
  return out;
}

std::unique_ptr<poppler::document> open(const std::string& path, const std::string& password) {
  // Note: never call document::unlock(): in Poppler 22.x it crashes on a wrong password.
  return std::unique_ptr<poppler::document>(poppler::document::load_from_file(path, password, password));
}

struct ErrorScope {
  explicit ErrorScope(std::string* target) { g_poppler_errors = target; }
  ~ErrorScope() { g_poppler_errors = nullptr; }
};

bool is_lone_number(std::string_view line) {
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  if (line.empty() || line.size() > 24) return false;
  bool digit = false;
  for (char c : line) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (!(c == ',' || c == '.' || c == '(' || c == ')' || c == '$' || c == '%' || c == '-'))
      return false;
  }
  return digit;
}

}  // namespace

bool looks_like_scattered_table(std::string_view raw_text) {
  int lines = 0, numbers = 0;
  size_t pos = 0;
  while (pos < raw_text.size()) {
    size_t eol = raw_text.find('\n', pos);
    if (eol == std::string_view::npos) eol = raw_text.size();
    std::string_view line = raw_text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.find_first_not_of(" \f\r\t") == std::string_view::npos) continue;
    ++lines;
    if (is_lone_number(line)) ++numbers;
  }
  return numbers >= 8 && numbers * 4 >= lines;
}

void read_pdf(const std::string& path, const std::string& password, int max_pages, int first_page,
              const std::function<bool(const PdfInfo&)>& on_info,
              const std::function<bool(PdfPageText)>& on_page) {
  install_error_handler();
  PdfInfo info;
  ErrorScope errors(&info.detail);
  std::unique_ptr<poppler::document> doc = open(path, password);
  if (doc && doc->is_locked() && !password.empty()) {
    const std::string latin1 = latin1_password(password);
    if (!latin1.empty() && latin1 != password) doc = open(path, latin1);
  }
  if (!doc) {
    info.outcome = PdfOpenOutcome::Damaged;
    on_info(info);
    return;
  }
  if (doc->is_locked()) {
    info.outcome = password.empty() ? PdfOpenOutcome::NeedsPassword : PdfOpenOutcome::WrongPassword;
    on_info(info);
    return;
  }
  info.page_count = doc->pages();
  info.title = to_utf8(doc->get_title());
  info.author = to_utf8(doc->get_author());
  if (info.page_count <= 0)
    info.outcome = PdfOpenOutcome::NoPages;
  else if (info.page_count > max_pages)
    info.outcome = PdfOpenOutcome::TooManyPages;
  else
    info.outcome = PdfOpenOutcome::Opened;
  if (!on_info(info) || info.outcome != PdfOpenOutcome::Opened) return;

  for (int i = std::max(0, first_page - 1); i < info.page_count; ++i) {
    PdfPageText page;
    page.number = i + 1;
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    if (p) {
      page.label = to_utf8(p->label());
      page.text = to_utf8(p->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
      if (looks_like_scattered_table(page.text)) {
        page.text = to_utf8(p->text(poppler::rectf(), poppler::page::physical_layout));
        page.physical_layout = true;
      }
    }
    if (page.label.empty()) page.label = std::to_string(page.number);
    if (!on_page(std::move(page))) return;
  }
}

}  // namespace pw::ingest
