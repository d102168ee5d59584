// Finds stop strings in streamed text: text that cannot be the start of a stop string is let
// through at once, text that could be is held back until it is decided, and the text from a
// stop string on is never let through.
//
//   pw::generate::StopStringMatcher m({"\nUser:", "###"});
//   out += m.push("Hello\nUs");   // "Hello" ("\nUs" could start "\nUser:": held back)
//   out += m.push("ual");         // "\nUsual" (it did not)
//   out += m.push(" end###x");    // " end" and m.matched() == true; "###x" is dropped
//   out += m.finish();            // whatever is still held back (nothing after a match)
//
// Rules (must not change; generate_text() and the CLI rely on them):
// - A stop string may span any number of pushes (tokens); the earliest match wins.
// - Held back is only the longest tail of the text that is a proper prefix of some stop string.
// - Inputs are whole UTF-8 characters (StreamingDecoder output); the text let through then is
//   too, because a held-back tail starts where a stop string starts, at a character boundary.
// - After a match every push returns "" (the caller stops generating).
// - Empty stop strings are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw::generate {

class StopStringMatcher {
 public:
  explicit StopStringMatcher(std::vector<std::string> stop_strings);

  // The text that is now certain to be output (before any stop string).
  std::string push(std::string_view text);
  // The held-back text when the stream ends without a match ("" after a match).
  std::string finish();
  bool matched() const { return matched_; }
  // Which stop string matched ("" when none).
  const std::string& matched_string() const { return matched_string_; }
  size_t held_back_bytes() const { return held_.size(); }

 private:
  std::vector<std::string> stops_;
  std::string held_;
  std::string matched_string_;
  bool matched_ = false;
};

}  // namespace pw::generate
