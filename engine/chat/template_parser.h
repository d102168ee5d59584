// Parses chat-template text into a syntax tree (engine/chat/template_ast.h).
//
//   pw::Result<std::shared_ptr<const Program>> p = parse_template("{% for m in messages %}{{ m.content }}{% endfor
//   %}"); if (!p) std::puts(p.error().describe().c_str());   // "chat template: line 1, column 4: ..."
//
// The grammar is Jinja2's (operator precedence, filters and tests binding tighter than
// arithmetic, `is not`, `not in`, slices, keyword arguments, tuples without parentheses)
// restricted to what chat templates use: no include/extends/import/block, no recursive loops.
// Unknown tags and unsupported syntax are parse errors naming line and column.
#pragma once

#include <memory>
#include <string_view>

#include "engine/chat/template_ast.h"
#include "engine/util/status.h"

namespace pw::chat {

pw::Result<std::shared_ptr<const Program>> parse_template(std::string_view source);

}  // namespace pw::chat
