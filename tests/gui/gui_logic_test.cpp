// The GUI's logic without windows: transcript HTML (chips, flagged sentences, Markdown),
// citation links, finding a passage's words on a PDF page, the "based on" line, copy text,
// text highlighting, progress wording, quantization tiers, the model catalog on the
// fixtures, the library model, and the answer memo.
#include <QtTest>

#include <QTemporaryDir>

#include "gui/answer_memo.h"
#include "gui/answer_values.h"
#include "gui/library_model.h"
#include "gui/library_panel.h"
#include "gui/model_catalog.h"
#include "gui/page_highlight.h"
#include "gui/pdf_page.h"
#include "gui/sources_panel.h"
#include "gui/status_icons.h"
#include "gui/transcript_html.h"

using namespace pw::gui;

namespace {

ShownSource source(int n, const QString& path, const QString& title, int page) {
  ShownSource s;
  s.number = n;
  s.path = path;
  s.title = title;
  s.page_start = s.page_end = s.highlight_page = page;
  s.highlight_text = "The maximum daily dose of paracetamol is 60 mg/kg in 24 hours";
  s.heading_path = "4 Paracetamol > 4.2 Maximum daily dose";
  return s;
}

TranscriptColors colors() { return colors_from(QPalette()); }

}  // namespace

class GuiLogicTest : public QObject {
  Q_OBJECT

 private slots:
  void citationsBecomeChipsOnlyForKnownSources() {
    const QString html = markdown_to_html("Give 15 mg/kg [1]. See also [7].", 3, {1, 2}, {}, colors());
    QVERIFY2(html.contains("href=\"cite:3:1\""), qPrintable(html));
    QVERIFY(!html.contains("cite:3:7"));
    QVERIFY(html.contains("[7]"));  // an unknown number stays plain text
  }

  void markdownBlocksAndInlineMarkup() {
    const QString html =
        markdown_to_html("# Dose\n\n- **15 mg/kg** per dose\n- *every* 4 h\n\n1. weigh\n2. `check`\n\n> quoted [1]", 0, {1},
                         {}, colors());
    QVERIFY(html.contains("<h4>Dose</h4>"));
    QVERIFY(html.contains("<ul><li><b>15 mg/kg</b> per dose</li><li><i>every</i> 4 h</li></ul>"));
    QVERIFY(html.contains("<ol><li>weigh</li><li><code>check</code></li></ol>"));
    // A quoted section number is kept as written, not renumbered as a list from 1.
    const QString section = markdown_to_html("8. Suspected overdose: stop the medicine [1].", 0, {1}, {}, colors());
    QVERIFY2(!section.contains("<ol") && section.contains("8. Suspected overdose"), qPrintable(section));
    QVERIFY(html.contains("quoted") && html.contains("cite:0:1"));
  }

  void textIsEscaped() {
    const QString html = markdown_to_html("a <script> & b", 0, {}, {}, colors());
    QVERIFY(html.contains("&lt;script&gt; &amp; b"));
    QVERIFY(!html.contains("<script>"));
  }

  void unsupportedSentencesAreMarkedWithTheReason() {
    QVector<ShownSentence> sentences = {{"Give 5 mg every hour.", false, {"5 mg"}}, {"Weigh the child.", true, {}}};
    const QString html = markdown_to_html("Give 5 mg every hour. [1] Weigh the child. [1]", 0, {1}, sentences, colors());
    QVERIFY2(html.contains("title=\"Not found in the cited sources: 5 mg\""), qPrintable(html));
    QCOMPARE(html.count("title=\"Not found"), 1);
  }

  void turnShowsSourcesFirstThenReadingThenBasis() {
    TurnState t;
    t.question = "Max dose?";
    t.answer.mode = ShownAnswer::Mode::Generated;
    t.answer.sources = {source(1, "/d/a.pdf", "Guideline", 2), source(2, "/d/a.pdf", "Guideline", 3)};
    t.phase = TurnState::Phase::Reading;
    QString html = turn_html(t, 0, colors());
    QVERIFY(html.contains("Reading 2 sources"));
    QVERIFY(html.contains("Guideline, page 2"));
    QVERIFY(html.indexOf("Guideline, page 2") < html.indexOf("Reading 2 sources"));
    t.phase = TurnState::Phase::Done;
    t.answer.text = "60 mg/kg [1].";
    html = turn_html(t, 0, colors());
    QVERIFY(html.contains("2 passages from 1 document"));
    QVERIFY(!html.contains("Reading"));
  }

  void basisLineAndNothingFound() {
    ShownAnswer a;
    a.mode = ShownAnswer::Mode::Extractive;
    a.sources = {source(1, "/a.pdf", "A", 1), source(2, "/b.pdf", "B", 1), source(3, "/b.pdf", "B", 2)};
    QCOMPARE(basis_line(a), QString("3 passages from 2 documents"));
    a.sources.resize(1);
    QCOMPARE(basis_line(a), QString("1 passage from 1 document"));
    a.mode = ShownAnswer::Mode::NotFound;
    a.sources.clear();
    QCOMPARE(basis_line(a), QString("Nothing was found in your documents."));
  }

  void copiedAnswerListsItsSources() {
    ShownAnswer a;
    a.text = "60 mg/kg [1].";
    a.sources = {source(1, "/d/g.pdf", "Guideline", 2)};
    const QString text = answer_with_sources_text(a);
    QVERIFY(text.startsWith("60 mg/kg [1]."));
    QVERIFY2(text.contains("[1] Guideline, page 2 \u2014 4 Paracetamol > 4.2 Maximum daily dose"), qPrintable(text));
  }

  void citationLinksParse() {
    auto link = parse_citation_link(QUrl("cite:4:2"));
    QVERIFY(link);
    QCOMPARE(link->turn, 4);
    QCOMPARE(link->number, 2);
    QVERIFY(!parse_citation_link(QUrl("https://example.com")));
    QVERIFY(!parse_citation_link(QUrl("cite:x:2")));
  }

  void passageWordsAreFoundDespiteHyphenationAndPunctuation() {
    const QStringList page = {"4.2", "Maximum", "daily", "dose", "The", "maximum", "daily", "dose", "of",
                              "para-", "cetamol", "is", "60", "mg/kg", "in", "24", "hours,", "and", "never"};
    const QVector<int> hit = match_passage_words(page, "The maximum daily dose of paracetamol is 60 mg/kg in 24 hours");
    QVERIFY(!hit.isEmpty());
    QCOMPARE(hit.front(), 4);
    QCOMPARE(hit.back(), 16);
    QVERIFY(hit.contains(9) && hit.contains(10));  // both halves of the hyphenated word
    QVERIFY(match_passage_words(page, "ibuprofen is not mentioned here at all").isEmpty());
  }

  void pdfPageRendersWithThePassageHighlighted() {
    const QString pdf = QString(PAGEWISE_SOURCE_DIR) + "/resources/samples/paediatric-analgesia-guideline.pdf";
    RenderedPage page = render_pdf_page(pdf, 2, "The maximum daily dose of paracetamol is 60 mg/kg in 24 hours", 400,
                                        1.0, QColor(255, 214, 0));
    QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
    QCOMPARE(page.page_count, 3);
    QCOMPARE(page.image.width(), 400);
    QVERIFY(page.highlighted);
    QVERIFY(page.boxes.size() >= 10);
    RenderedPage missing = render_pdf_page(pdf, 9, {}, 400, 1.0, Qt::yellow);
    QVERIFY(missing.error.contains("not in the document"));
    RenderedPage gone = render_pdf_page("/no/such/file.pdf", 1, {}, 400, 1.0, Qt::yellow);
    QVERIFY(!gone.error.isEmpty());
  }

  void textSourcesHighlightThePassage() {
    const QString html = text_with_highlight_html("Intro.\nPasswords are at  least\n14 characters long. End.",
                                                  "Passwords are at least 14 characters long.", "#ffd600");
    QVERIFY2(html.contains("<span style=\"background-color:#ffd600;\">Passwords are at  least<br>14 characters long.</span>"),
             qPrintable(html));
    QVERIFY(!text_with_highlight_html("abc", "xyz", "#fff").contains("span"));
  }

  void progressSaysWhatAndHowLong() {
    QCOMPARE(progress_text({2, 12, "/a.pdf", 3.0, 41}), QString("Indexing 3 of 12 \u00B7 about 41 s left"));
    QCOMPARE(progress_text({2, 12, "/a.pdf", 3.0, 150}), QString("Indexing 3 of 12 \u00B7 about 3 min left"));
    QCOMPARE(progress_text({0, 0, {}, 0, -1}), QString("Looking for documents\u2026"));
  }

  void quantizationInPlainWords() {
    QCOMPARE(quantization_tier("Q4_K_M"), std::string("Faster"));
    QCOMPARE(quantization_tier("Q5_K_M"), std::string("Balanced"));
    QCOMPARE(quantization_tier("Q8_0"), std::string("Most accurate"));
    QCOMPARE(quantization_tier("F16"), std::string("Most accurate"));
    QCOMPARE(quantization_tier(""), std::string());
  }

  void catalogDescribesTheFixtureModels() {
    const std::filesystem::path folder = std::filesystem::path(PAGEWISE_SHARED_DIR) / "fixtures" / "models";
    const auto models = scan_models({folder}, 64ull << 30);
    const ModelEntry* stories = nullptr;
    const ModelEntry* bert = nullptr;
    for (const auto& m : models) {
      if (m.file_name == "stories260K.gguf") stories = &m;
      if (m.file_name == "tiny-bert-Q4_K_M.gguf") bert = &m;
    }
    QVERIFY(stories && bert);
    QVERIFY(stories->error.empty());
    QVERIFY(!stories->is_embedding);
    QVERIFY(stories->fits);
    QVERIFY(!stories->params.empty() && !stories->size.empty());
    QVERIFY(bert->is_embedding);
    QCOMPARE(bert->tier, std::string("Faster"));
    // Blocked when it clearly cannot fit.
    const ModelEntry tight = describe_model_file(folder / "stories260K.gguf", 1024);
    QVERIFY(!tight.fits);
    QVERIFY(tight.memory_note.find("free") != std::string::npos);
    const ModelEntry broken = describe_model_file(folder / "stories260K.golden.json", 1ull << 30);
    QVERIFY(!broken.error.empty());
  }

  void libraryModelShowsStatusAndFindsCollections() {
    LibraryModel model;
    CollectionEntry hr;
    hr.id = 1;
    hr.name = "HR";
    hr.sources = {"/srv/hr"};
    DocumentEntry ok{10, "/srv/hr/a.pdf", "Leave policy", "pdf", "ok", "", 4, 12, "ab12", {}};
    DocumentEntry locked{11, "/srv/hr/b.pdf", "Pay", "pdf", "encrypted", "needs a password", 0, 0, "cd34", {}};
    hr.documents = {ok, locked};
    model.setSnapshot({hr});
    QCOMPARE(model.documentCount(), 2);
    QStandardItem* b = model.documentItem("/srv/hr/b.pdf");
    QVERIFY(b);
    QCOMPARE(b->data(LibraryModel::StatusRole).toString(), QString("encrypted"));
    QVERIFY(b->toolTip().contains("needs a password"));
    QVERIFY(b->data(LibraryModel::DetailsRole).toString().contains("Encrypted"));
    QCOMPARE(model.collectionForPath("/srv/hr/2024"), QString("HR"));
    QCOMPARE(model.collectionForPath("/srv/other"), QString());
    model.markIndexing("HR", "/srv/hr/new.pdf");
    QVERIFY(model.documentItem("/srv/hr/new.pdf"));
    QCOMPARE(model.documentItem("/srv/hr/new.pdf")->data(LibraryModel::StatusRole).toString(), QString("indexing"));
    for (const char* s : {"ok", "indexing", "needs_ocr", "encrypted", "damaged"}) QVERIFY(!status_icon(s).isNull());
  }

  void memoHoldsQuestionAnswerQuotesAndHashes() {
    TurnState t;
    t.question = "Max dose?";
    t.phase = TurnState::Phase::Done;
    t.answer.mode = ShownAnswer::Mode::Generated;
    t.answer.model = "Tiny";
    t.answer.quantization = "Q8_0";
    t.answer.text = "60 mg/kg [1].";
    t.answer.sources = {source(1, "/d/g.pdf", "Guideline", 2)};
    const QString md = memo_markdown({t}, {{"/d/g.pdf", "deadbeef"}}, QDateTime(QDate(2026, 1, 2), QTime(3, 4)));
    QVERIFY(md.contains("## 1. Max dose?"));
    QVERIFY(md.contains("60 mg/kg [1]."));
    QVERIFY(md.contains("Model: Tiny, quantization: Q8_0"));
    QVERIFY(md.contains("[1] **Guideline**, page 2 \u2014 4 Paracetamol > 4.2 Maximum daily dose"));
    QVERIFY(md.contains("SHA-256: deadbeef"));
    QVERIFY(md.contains("> The maximum daily dose"));
    QVERIFY(md.contains("2026-01-02"));
    QTemporaryDir dir;
    QVERIFY(write_memo_pdf(dir.filePath("m.pdf"), md).isEmpty());
    QFile pdf(dir.filePath("m.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QVERIFY(write_memo_markdown(dir.filePath("m.md"), md).isEmpty());
    QVERIFY(!write_memo_pdf("/no/such/dir/m.pdf", md).isEmpty());
  }

  void quotedPassagesShowTheirHeadingOnALineOfTheirOwn() {
    // The passage text starts with its section heading, as stored ("4.2 Maximum daily dose The …").
    ShownAnswer a;
    a.mode = ShownAnswer::Mode::Extractive;
    a.sources = {source(1, "/d/g.pdf", "Guideline", 2), source(2, "/d/g.pdf", "Guideline", 3)};
    a.sources[1].heading_path = "Leave policy > 3.2 Annual leave";
    a.text = "4.2 Maximum daily dose The maximum daily dose of paracetamol is 60 mg/kg in 24 hours. [1]\n\n"
             "3.2 Annual leave Staff get 25 days. [2]";
    const QString html = quoted_passages_html(a, 0, colors());
    // The heading path sits in its own paragraph, the quote follows without the heading in front.
    QVERIFY2(html.contains("<b>4 Paracetamol \u203A 4.2 Maximum daily dose</b> \u00B7 page 2</p>"), qPrintable(html));
    QVERIFY2(html.contains("<b>Leave policy \u203A 3.2 Annual leave</b> \u00B7 page 3</p>"), qPrintable(html));
    QVERIFY2(!html.contains("Annual leave Staff") && !html.contains("daily dose The maximum"), qPrintable(html));
    QVERIFY(html.indexOf("3.2 Annual leave</b>") < html.indexOf("Staff get 25 days."));
    QVERIFY(html.contains("href=\"cite:0:1\"") && html.contains("href=\"cite:0:2\""));
    // Only a whole heading is taken off: "4.2 Maximum daily doses …" is text, not the heading.
    QCOMPARE(strip_heading("4.2 Maximum daily doses differ by age.", "4 Paracetamol > 4.2 Maximum daily dose"),
             QString("4.2 Maximum daily doses differ by age."));
    QCOMPARE(strip_heading("Wi-Fi and remote access: use the VPN.", "Guide > Wi-Fi and remote access"),
             QString("use the VPN."));
    // The memo and the clipboard separate them the same way.
    const QString md = readable_answer(a, true);
    QVERIFY2(md.contains("*Leave policy \u203A 3.2 Annual leave \u00B7 page 3*\n\n> Staff get 25 days. [2]"), qPrintable(md));
    QVERIFY(answer_with_sources_text(a).contains("Leave policy \u203A 3.2 Annual leave \u00B7 page 3\n\u201CStaff get 25 days.\u201D [2]"));
  }

  void aFinishedAnswerIsSpokenWithItsText() {
    ShownAnswer a;
    a.mode = ShownAnswer::Mode::Generated;
    a.sources = {source(1, "/d/g.pdf", "Guideline", 2)};
    a.text = "## Dose\n\n- The **maximum** is 60 mg/kg [1].\n- Never more than 4 g [1, 2].";
    const QString said = spoken_answer(a);
    QCOMPARE(said, QString("Answer ready. 1 passage from 1 document. Dose The maximum is 60 mg/kg. Never more than 4 g."));
    a.text = QString("word ").repeated(200);
    const QString cut = spoken_answer(a, 100);
    QVERIFY2(cut.endsWith(QChar(0x2026)) && cut.size() < 160, qPrintable(cut));
  }
};

QTEST_MAIN(GuiLogicTest)
#include "gui_logic_test.moc"
