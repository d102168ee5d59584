// pagewise-cli tokenize -m MODEL [--no-special] [--parse-special] [--pieces] TEXT
// Prints the token ids of TEXT as the model's tokenizer makes them, space-separated on one
// line (TEXT "-" reads standard input; put "--" before a TEXT that starts with '-').
//   --no-special     do not add BOS/EOS or [CLS]/[SEP]
//   --parse-special  map special-token text such as <|im_start|> to its control token
//   --pieces         then one line per token: ID, a tab and the piece in single quotes, with
//                    \n, \t, \r, \\, \' and bytes that are not printable UTF-8 escaped (\xNN)
// Errors: "pagewise-cli tokenize: MODEL: problem" and exit code 1; bad usage exits with 2.
#include <iostream>
#include <iterator>
#include <string>

#include "cli/command.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode.h"

namespace {

std::string escape_piece(std::string_view piece) {
  namespace uni = pw::tokenizer::unicode;
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    const char c = piece[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\\' || c == '\'') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      static const char* digits = "0123456789ABCDEF";
      out += "\\x";
      out += digits[u >> 4];
      out += digits[u & 15];
    } else if (u >= 0x80) {
      const size_t len = uni::valid_utf8_sequence_length(piece, i);
      if (len == 0) {
        static const char* digits = "0123456789ABCDEF";
        out += "\\x";
        out += digits[u >> 4];
        out += digits[u & 15];
        ++i;
      } else {
        out.append(piece.substr(i, len));
        i += len;
      }
      continue;
    } else {
      out += c;
    }
    ++i;
  }
  return out;
}

int run_tokenize(pw::cli::Args& args) {
  const auto model = args.take_option("model", "m");
  const bool no_special = args.take_flag("no-special");
  const bool parse_special = args.take_flag("parse-special");
  const bool pieces = args.take_flag("pieces");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("tokenize", "unknown option '" + *unknown + "'");
  std::vector<std::string> rest = args.rest();
  if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
  if (!model) return pw::cli::usage_error("tokenize", "missing -m MODEL");
  if (rest.size() != 1) return pw::cli::usage_error("tokenize", "expected exactly one TEXT (quote it, or '-' for standard input)");
  std::string text = rest.front();
  if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

  auto file = pw::gguf::GgufFile::open(*model);
  if (!file) {
    std::cerr << "pagewise-cli tokenize: " << file.error().describe() << "\n";
    return 1;
  }
  auto tok = pw::tokenizer::Tokenizer::from_gguf(*file);
  if (!tok) {
    std::cerr << "pagewise-cli tokenize: " << tok.error().describe() << "\n";
    return 1;
  }
  const auto ids = (*tok)->encode(text, {.add_special = !no_special, .parse_special = parse_special});
  std::string line;
  for (size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  std::cout << line << "\n";
  if (pieces)
    for (int32_t id : ids) std::cout << id << "\t'" << escape_piece((*tok)->token_to_piece(id, /*render_special=*/true)) << "'\n";
  return 0;
}

}  // namespace

PW_CLI_COMMAND(tokenize, "tokenize", "tokenize -m MODEL [--no-special] [--parse-special] [--pieces] TEXT",
               "Print the token ids of TEXT (space-separated) as MODEL's tokenizer makes them", run_tokenize);
