// JSON in and out of template values, byte-compatible with Python's json module.
//
//   JsonDumpOptions o;                      // json.dumps defaults: ", " and ": ", keeps non-ASCII
//   o.indent = "    ";                      // tojson(indent=4)
//   pw::Result<std::string> s = to_json(value, o, meter, limits.max_output_bytes);
//   pw::Result<Value> v = value_from_json(R"({"enable_thinking": false})");
//
// Why: Hugging Face renders `tojson` with json.dumps(ensure_ascii=False) (not Jinja's HTML-safe
// version), and tool schemas printed by templates must match the reference byte for byte:
// separators, float spelling (Python repr), escapes (\n, \", \u001f, lowercase hex) and key order
// (insertion order unless sort_keys).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/chat/template_value.h"

namespace pw::chat {

struct JsonDumpOptions {
  std::optional<std::string> indent;          // nullopt: one line
  std::optional<std::string> item_separator;  // default ", " (or "," when indenting)
  std::string key_separator = ": ";
  bool ensure_ascii = false;
  bool sort_keys = false;
};

pw::Result<std::string> to_json(const Value& v, const JsonDumpOptions& options, Meter& meter, size_t max_bytes);

// Parses JSON text into a value (objects keep their key order). `what` names the input in errors.
pw::Result<Value> value_from_json(std::string_view json_text, const std::string& what);

}  // namespace pw::chat
