#include "ingest/html_text.h"

#include <gtest/gtest.h>

#include "ingest/normalize.h"

using pw::ingest::decode_html_entities;
using pw::ingest::html_to_text;

TEST(HtmlEntities, NamedNumericAndBroken) {
  EXPECT_EQ(decode_html_entities("Fish &amp; Chips &lt;b&gt; caf&eacute; &#233; &#xE9; &#x20AC; &euro;"),
            "Fish & Chips <b> caf\xC3\xA9 \xC3\xA9 \xC3\xA9 \xE2\x82\xAC \xE2\x82\xAC");
  EXPECT_EQ(decode_html_entities("&nbsp;x &amp y &unknown; &; & &#; &#150; &#0; &#xD800;"),
            "\xC2\xA0x & y &unknown; &; & &#; \xE2\x80\x93 \xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(decode_html_entities("&eacute without semicolon"), "&eacute without semicolon");
}

TEST(HtmlText, HeadingsParagraphsListsAndTables) {
  const std::string html = R"(<!DOCTYPE html><html><head><title>Leave &amp; absence</title>
<meta name="author" content="HR Team"><style>p { color: red; }</style>
<script>var x = "<p>not text</p>";</script></head>
<body><h1>Leave policy</h1><p>Staff get
   <b>25</b> days.</p><!-- a comment <p>hidden</p> -->
<h2>4.2 <em>Carry-over</em></h2>
<ul><li>Up to 5 days</li><li>Until <i>31 March</i></li></ul>
<table><tr><th>Year</th><th>Days</th></tr><tr><td>2023</td><td>5</td></tr></table>
<pre>keep   this
  layout</pre><p>a<br>b</p><h3> </h3></body></html>)";
  const auto h = html_to_text(html);
  EXPECT_EQ(h.title, "Leave & absence");
  EXPECT_EQ(h.author, "HR Team");
  EXPECT_EQ(pw::ingest::normalize_text(h.text),
            "# Leave policy\n\nStaff get 25 days.\n\n## 4.2 Carry-over\n\n- Up to 5 days\n- Until 31 March\n\n"
            "Year | Days\n2023 | 5\n\nkeep this\nlayout\n\na\nb");
}

TEST(HtmlText, SurvivesBrokenMarkup) {
  for (const char* html : {"<p>unclosed", "<", "a < b and c > d", "<script>never closed", "<!-- open comment",
                           "<a href=\"x>y\">link</a>", "<h1><h2>x</h1>", "</p></div>text", "<![CDATA[raw <b>]]>",
                           "<svg/><p>after</p>"}) {
    const auto h = html_to_text(html);
    EXPECT_LE(h.text.size(), std::string(html).size() + 16) << html;
  }
  EXPECT_EQ(pw::ingest::normalize_text(html_to_text("a < b and c > d").text), "a < b and c > d");
  EXPECT_EQ(pw::ingest::normalize_text(html_to_text("<![CDATA[raw <b>]]>").text), "raw <b>");
  EXPECT_EQ(pw::ingest::normalize_text(html_to_text("<a href=\"x>y\">link</a>").text), "link");
}
