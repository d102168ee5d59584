#include "ingest/pdf_wire.h"

#include <cstdint>

namespace pw::ingest::pdf_wire {
namespace {

constexpr char kInfo = 'I';
constexpr char kPage = 'P';
constexpr char kEnd = 'E';

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void put_record(std::string& out, char tag, const std::string& payload) {
  out.push_back(tag);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool u8(uint8_t& v) {
    if (pos_ + 1 > bytes_.size()) return false;
    v = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool u32(uint32_t& v) {
    if (pos_ + 4 > bytes_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool string(std::string& s) {
    uint32_t n;
    if (!u32(n) || n > bytes_.size() - pos_) return false;
    s.assign(bytes_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

void append_info(std::string& out, const PdfInfo& info) {
  std::string payload;
  payload.push_back(static_cast<char>(info.outcome));
  put_u32(payload, static_cast<uint32_t>(info.page_count < 0 ? 0 : info.page_count));
  put_string(payload, info.title);
  put_string(payload, info.author);
  put_string(payload, info.detail);
  put_record(out, kInfo, payload);
}

void append_page(std::string& out, const PdfPageText& page) {
  std::string payload;
  put_u32(payload, static_cast<uint32_t>(page.number));
  payload.push_back(page.physical_layout ? 1 : 0);
  put_string(payload, page.label);
  put_string(payload, page.text);
  put_record(out, kPage, payload);
}

void append_end(std::string& out) { put_record(out, kEnd, {}); }

Decoded decode(std::string_view bytes) {
  Decoded d;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 5) return d;  // cut short
    const char tag = bytes[pos];
    uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[pos + 1 + i])) << (8 * i);
    if (length > bytes.size() - pos - 5) return d;  // cut short
    Reader r(bytes.substr(pos + 5, length));
    pos += 5 + length;
    if (tag == kInfo && !d.info) {
      PdfInfo info;
      uint8_t outcome;
      uint32_t pages;
      if (!r.u8(outcome) || outcome > static_cast<uint8_t>(PdfOpenOutcome::NoPages) || !r.u32(pages) ||
          pages > 0x7FFFFFFF || !r.string(info.title) || !r.string(info.author) || !r.string(info.detail) || !r.done()) {
        d.malformed = true;
        return d;
      }
      info.outcome = static_cast<PdfOpenOutcome>(outcome);
      info.page_count = static_cast<int>(pages);
      d.info = std::move(info);
    } else if (tag == kPage && d.info) {
      PdfPageText page;
      uint32_t number;
      uint8_t physical;
      if (!r.u32(number) || number == 0 || number > 0x7FFFFFFF || !r.u8(physical) || !r.string(page.label) ||
          !r.string(page.text) || !r.done()) {
        d.malformed = true;
        return d;
      }
      page.number = static_cast<int>(number);
      page.physical_layout = physical != 0;
      d.pages.push_back(std::move(page));
    } else if (tag == kEnd && d.info && length == 0) {
      d.complete = true;
      return d;
    } else {
      d.malformed = true;
      return d;
    }
  }
  return d;
}

}  // namespace pw::ingest::pdf_wire
