#include "gui/transcript_html.h"

#include <QObject>
#include <QRegularExpression>

namespace pw::gui {

namespace {

QString blend(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                          static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                          static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t))
      .name();
}

QString inline_markup(QString html) {
  static const QRegularExpression bold(R"(\*\*(.+?)\*\*)");
  static const QRegularExpression italic(R"((^|[^*])\*([^*\s][^*]*?)\*)");
  static const QRegularExpression code(R"(`([^`]+)`)");
  html.replace(code, "<code>\\1</code>");
  html.replace(bold, "<b>\\1</b>");
  html.replace(italic, "\\1<i>\\2</i>");
  return html;
}

QString chips(QString html, int turn, const QVector<int>& sources, const TranscriptColors& c) {
  static const QRegularExpression marker(R"(\[(\d+)\])");
  QString out;
  qsizetype last = 0;
  for (auto it = marker.globalMatch(html); it.hasNext();) {
    const auto m = it.next();
    out += html.mid(last, m.capturedStart() - last);
    const int n = m.captured(1).toInt();
    if (sources.contains(n)) {
      out += QString("<a href=\"cite:%1:%2\" title=\"%3\" style=\"background-color:%4; color:%5; "
                     "text-decoration:none; font-weight:600;\">&nbsp;%2&nbsp;</a>")
                 .arg(turn)
                 .arg(n)
                 .arg(QObject::tr("Show source %1").arg(n), c.chip_bg, c.chip_text);
    } else {
      out += m.captured(0);
    }
    last = m.capturedEnd();
  }
  out += html.mid(last);
  return out;
}

QString mark_flagged(QString html, const QVector<ShownSentence>& sentences, const TranscriptColors& c) {
  for (const auto& s : sentences) {
    if (s.supported || s.text.trimmed().isEmpty()) continue;
    const QString escaped = s.text.trimmed().toHtmlEscaped();
    const qsizetype at = html.indexOf(escaped);
    if (at < 0) continue;
    QString why = s.unsupported_facts.isEmpty()
                      ? QObject::tr("Not confirmed by the cited sources")
                      : QObject::tr("Not found in the cited sources: %1").arg(s.unsupported_facts.join(", "));
    const QString wrapped = QString("<span style=\"background-color:%1;\" title=\"%2\">\u26A0 %3</span>")
                                .arg(c.flag_bg, why.toHtmlEscaped(), escaped);
    html.replace(at, escaped.size(), wrapped);
  }
  return html;
}

}  // namespace

TranscriptColors colors_from(const QPalette& p) {
  TranscriptColors c;
  c.text = p.color(QPalette::Text).name();
  c.muted = p.color(QPalette::PlaceholderText).name();
  c.chip_bg = blend(p.color(QPalette::Base), p.color(QPalette::Highlight), 0.3);
  c.chip_text = p.color(QPalette::Text).name();
  c.flag_bg = blend(p.color(QPalette::Base), QColor(230, 160, 0), 0.35);
  c.quote_bar = blend(p.color(QPalette::Base), p.color(QPalette::Text), 0.3);
  c.card_bg = blend(p.color(QPalette::Base), p.color(QPalette::Window), 0.6);
  return c;
}

QString markdown_to_html(const QString& markdown, int turn, const QVector<int>& sources,
                         const QVector<ShownSentence>& flagged, const TranscriptColors& colors) {
  static const QRegularExpression bullet(R"(^\s*[-*\x{2022}]\s+(.*)$)");
  static const QRegularExpression numbered(R"(^\s*(\d+)[.)]\s+(.*)$)");
  static const QRegularExpression heading(R"(^(#{1,6})\s+(.*)$)");
  QString out;
  QString paragraph;
  QString list_kind;  // "ul", "ol" or empty
  bool in_quote = false;
  auto format = [&](const QString& text) {
    return chips(inline_markup(mark_flagged(text.toHtmlEscaped(), flagged, colors)), turn, sources, colors);
  };
  auto close_paragraph = [&] {
    if (paragraph.isEmpty()) return;
    if (in_quote)
      out += QString("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"6\"><tr><td width=\"3\" bgcolor=\"%1\"></td>"
                     "<td>%2</td></tr></table>")
                 .arg(colors.quote_bar, format(paragraph));
    else
      out += "<p>" + format(paragraph) + "</p>";
    paragraph.clear();
    in_quote = false;
  };
  auto close_list = [&] {
    if (list_kind.isEmpty()) return;
    out += "</" + list_kind + ">";
    list_kind.clear();
  };
  for (const QString& raw : markdown.split('\n')) {
    const QString line = raw.trimmed();
    if (line.isEmpty()) {
      close_paragraph();
      close_list();
      continue;
    }
    if (auto m = heading.match(line); m.hasMatch()) {
      close_paragraph();
      close_list();
      out += "<h4>" + format(m.captured(2)) + "</h4>";
      continue;
    }
    auto b = bullet.match(line);
    auto n = numbered.match(line);
    // "8. Suspected overdose …" quoted from a document is its section number, not a list: a
    // numbered list starts at 1 (the rich-text view would renumber it from 1 otherwise).
    if (n.hasMatch() && list_kind != "ol" && n.captured(1) != "1") n = QRegularExpressionMatch();
    if (b.hasMatch() || n.hasMatch()) {
      close_paragraph();
      const QString kind = b.hasMatch() ? "ul" : "ol";
      if (list_kind != kind) {
        close_list();
        out += "<" + kind + ">";
        list_kind = kind;
      }
      out += "<li>" + format(b.hasMatch() ? b.captured(1) : n.captured(2)) + "</li>";
      continue;
    }
    const bool quote = line.startsWith('>');
    const QString text = quote ? line.mid(1).trimmed() : line;
    if (!paragraph.isEmpty() && quote != in_quote) close_paragraph();
    close_list();
    in_quote = quote;
    paragraph += paragraph.isEmpty() ? text : " " + text;
  }
  close_paragraph();
  close_list();
  return out;
}

QString turn_html(const TurnState& t, int index, const TranscriptColors& c) {
  const ShownAnswer& a = t.answer;
  QString html = QString("<p style=\"margin-top:14px;\"><b>%1</b></p>").arg(t.question.toHtmlEscaped());
  // The passages found, as soon as they are known.
  if (!a.sources.isEmpty()) {
    QVector<int> numbers;
    for (const auto& s : a.sources) numbers << s.number;
    QString list;
    for (const auto& s : a.sources) {
      const QString page = s.page_end > s.page_start ? QObject::tr("pages %1\u2013%2").arg(s.page_start).arg(s.page_end)
                                                     : QObject::tr("page %1").arg(s.page_start);
      QString line = QString("[%1] %2, %3").arg(s.number).arg(s.title.toHtmlEscaped(), page);
      if (!s.heading_path.isEmpty()) line += " \u2014 " + s.heading_path.toHtmlEscaped();
      list += chips(line, index, numbers, c) + "<br>";
    }
    html += QString("<p style=\"color:%1;\">%2</p>").arg(c.muted, list);
  }
  QVector<int> numbers;
  for (const auto& s : a.sources) numbers << s.number;
  switch (t.phase) {
    case TurnState::Phase::Searching:
      html += QString("<p style=\"color:%1;\"><i>%2</i></p>").arg(c.muted, QObject::tr("Searching your documents\u2026"));
      break;
    case TurnState::Phase::Reading:
      html += QString("<p style=\"color:%1;\"><i>%2</i></p>")
                  .arg(c.muted, a.sources.size() == 1 ? QObject::tr("Reading 1 source\u2026")
                                                      : QObject::tr("Reading %1 sources\u2026").arg(a.sources.size()));
      break;
    case TurnState::Phase::Failed:
      html += QString("<p style=\"color:%1;\">%2</p>").arg(c.muted, t.error.toHtmlEscaped());
      break;
    default:
      html += a.mode == ShownAnswer::Mode::Extractive ? quoted_passages_html(a, index, c)
                                                      : markdown_to_html(a.text, index, numbers, a.sentences, c);
      break;
  }
  if (t.phase == TurnState::Phase::Done || t.phase == TurnState::Phase::Stopped) {
    QString basis = basis_line(a);
    if (t.phase == TurnState::Phase::Stopped) basis = QObject::tr("Stopped.") + " " + basis;
    if (!a.model.isEmpty()) basis += " \u00B7 " + a.model.toHtmlEscaped();
    else if (a.mode == ShownAnswer::Mode::Extractive) basis += " \u00B7 " + QObject::tr("quoted from the documents");
    html += QString("<p style=\"color:%1;\"><small>%2</small></p>").arg(c.muted, basis);
  }
  return html;
}

QString quoted_passages_html(const ShownAnswer& a, int turn, const TranscriptColors& c) {
  static const QRegularExpression marker(R"(\[(\d+)\]\s*$)");
  QVector<int> numbers;
  for (const auto& s : a.sources) numbers << s.number;
  QString html;
  for (const QString& raw : a.text.split(QRegularExpression("\n\\s*\n"), Qt::SkipEmptyParts)) {
    QString paragraph = raw.trimmed();
    if (paragraph.startsWith('>')) paragraph = paragraph.mid(1).trimmed();
    const auto m = marker.match(paragraph);
    const ShownSource* source = nullptr;
    if (m.hasMatch())
      for (const auto& s : a.sources)
        if (s.number == m.captured(1).toInt()) source = &s;
    if (!source) {
      html += markdown_to_html(raw, turn, numbers, a.sentences, c);
      continue;
    }
    const QString body = strip_heading(paragraph.left(m.capturedStart()).simplified(), source->heading_path);
    // Where the quote comes from, on its own line above it: the heading never runs into the text.
    const QString page = pages_text(*source);
    QString where = source->heading_path.isEmpty()
                        ? QString("<b>%1</b>").arg(source->title.toHtmlEscaped())
                        : QString("<b>%1</b>").arg(heading_shown(source->heading_path).toHtmlEscaped());
    where += " \u00B7 " + page;
    html += QString("<p class=\"quote-heading\" style=\"color:%1; margin-top:12px; margin-bottom:2px;\">%2</p>")
                .arg(c.muted, where);
    html += markdown_to_html("> " + body + " " + m.captured(0).trimmed(), turn, numbers, a.sentences, c);
  }
  return html;
}

QString transcript_html(const QVector<TurnState>& turns, const TranscriptColors& colors) {
  QString html = QString("<html><body style=\"color:%1;\">").arg(colors.text);
  for (int i = 0; i < turns.size(); ++i) {
    if (i > 0) html += "<hr>";
    html += turn_html(turns[i], i, colors);
  }
  return html + "</body></html>";
}

std::optional<CitationLink> parse_citation_link(const QUrl& url) {
  if (url.scheme() != "cite") return std::nullopt;
  const QStringList parts = url.path().split(':');
  if (parts.size() != 2) return std::nullopt;
  bool ok1 = false, ok2 = false;
  CitationLink link{parts[0].toInt(&ok1), parts[1].toInt(&ok2)};
  if (!ok1 || !ok2) return std::nullopt;
  return link;
}

}  // namespace pw::gui
