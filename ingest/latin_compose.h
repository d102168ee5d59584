// Composition of a Latin letter and a combining accent into one precomposed character.
//
//   char32_t c = pw::ingest::compose_latin(U'e', 0x0301);   // U+00E9 'é'; 0 when none exists
//
// Why: PDFs typeset with TeX often yield "e" + U+0301 (or dotless "ı" + U+0308) instead of
// "é"/"ï", which then matches neither searches nor the model's tokens. This covers the Basic
// Latin letters with the accents that occur in European languages; full Unicode NFC would
// need ICU, which is not worth a dependency for the rare remaining cases.
#pragma once

namespace pw::ingest {

char32_t compose_latin(char32_t base, char32_t combining_mark);

}  // namespace pw::ingest
