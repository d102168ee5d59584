// LibraryStore: chats, their messages and the sources each answer cited.
#include <unordered_map>
#include <unordered_set>

#include "rag/store/library_store.h"
#include "rag/store/store_rows.h"

namespace pw::rag {
namespace {

Status check_chat_exists(sqlite::Database& db, int64_t chat_id) {
  auto st = db.prepare("SELECT 1 FROM chats WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, chat_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error(ErrorCode::NotFound, "chat " + std::to_string(chat_id) + " does not exist");
  st->reset();
  return ok_status();
}

}  // namespace

Result<int64_t> LibraryStore::create_chat(std::string_view title, std::optional<int64_t> collection_id) {
  auto st = db_.prepare("INSERT INTO chats(title, collection_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)");
  if (!st) return st.error();
  st->bind_text(1, title).bind_int(3, detail::unix_now());
  if (collection_id) st->bind_int(2, *collection_id);
  else st->bind_null(2);
  Status s = st->run();
  if (!s.ok() && s.error().code() == ErrorCode::InvalidArgument) {
    return Error(ErrorCode::NotFound, "collection " + std::to_string(collection_id.value_or(0)) + " does not exist");
  }
  PW_TRY(s);
  return db_.last_insert_rowid();
}

Status LibraryStore::rename_chat(int64_t chat_id, std::string_view title) {
  auto st = db_.prepare("UPDATE chats SET title = ?2 WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, chat_id).bind_text(2, title);
  PW_TRY(st->run());
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "chat " + std::to_string(chat_id) + " does not exist");
  return ok_status();
}

Status LibraryStore::delete_chat(int64_t chat_id) {
  auto st = db_.prepare("DELETE FROM chats WHERE id = ?1");  // cascades to messages and sources
  if (!st) return st.error();
  st->bind_int(1, chat_id);
  PW_TRY(st->run());
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "chat " + std::to_string(chat_id) + " does not exist");
  return ok_status();
}

Result<std::vector<ChatRecord>> LibraryStore::list_chats() {
  // Timestamps have one-second resolution: within a second, the chat with the latest
  // message wins, then the newest chat.
  auto st = db_.prepare(
      "SELECT id, title, collection_id, created_at, updated_at FROM chats ORDER BY updated_at DESC, "
      "coalesce((SELECT max(m.id) FROM messages m WHERE m.chat_id = chats.id), 0) DESC, id DESC");
  if (!st) return st.error();
  std::vector<ChatRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    ChatRecord c;
    c.id = st->int64(0);
    c.title = st->text(1);
    if (!st->is_null(2)) c.collection_id = st->int64(2);
    c.created_at = st->int64(3);
    c.updated_at = st->int64(4);
    out.push_back(std::move(c));
  }
  return out;
}

Result<int64_t> LibraryStore::add_message(int64_t chat_id, std::string_view role, std::string_view content,
                                          std::string_view model, std::span<const MessageSource> sources) {
  MessageRecord m;
  m.role = role;
  m.content = content;
  m.model = model;
  m.sources.assign(sources.begin(), sources.end());
  return add_message(chat_id, m);
}

Result<int64_t> LibraryStore::add_message(int64_t chat_id, const MessageRecord& message) {
  if (message.role != "user" && message.role != "assistant" && message.role != "system") {
    return Error(ErrorCode::InvalidArgument, "a message role must be user, assistant or system");
  }
  std::unordered_set<int> numbers;
  for (const auto& s : message.sources) {
    if (!numbers.insert(s.number).second) {
      return Error(ErrorCode::InvalidArgument, "source [" + std::to_string(s.number) + "] appears twice");
    }
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  PW_TRY(check_chat_exists(db_, chat_id));
  const int64_t now = detail::unix_now();
  auto st = db_.prepare(
      "INSERT INTO messages(chat_id, role, content, model, quantization, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  st->bind_int(1, chat_id)
      .bind_text(2, message.role)
      .bind_text(3, message.content)
      .bind_text(4, message.model)
      .bind_text(5, message.quantization)
      .bind_int(6, now);
  PW_TRY(st->run());
  const int64_t message_id = db_.last_insert_rowid();

  if (!message.sources.empty()) {
    // Ids of chunks or documents removed meanwhile are stored as NULL: the copied path,
    // title, pages and excerpt still make the citation readable.
    auto src = db_.prepare(
        "INSERT INTO message_sources(message_id, number, chunk_id, document_id, document_path, document_title, "
        "page_start, page_end, excerpt, heading_path) VALUES (?1, ?2, (SELECT id FROM chunks WHERE id = ?3), "
        "(SELECT id FROM documents WHERE id = ?4), ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!src) return src.error();
    for (const auto& s : message.sources) {
      src->bind_int(1, message_id).bind_int(2, s.number);
      if (s.chunk_id) src->bind_int(3, *s.chunk_id);
      else src->bind_null(3);
      if (s.document_id) src->bind_int(4, *s.document_id);
      else src->bind_null(4);
      src->bind_text(5, s.document_path)
          .bind_text(6, s.document_title)
          .bind_int(7, s.page_start)
          .bind_int(8, s.page_end)
          .bind_text(9, s.excerpt)
          .bind_text(10, s.heading_path);
      PW_TRY(src->run());
    }
  }
  if (!message.sentences.empty()) {
    auto sen = db_.prepare(
        "INSERT INTO message_sentences(message_id, position, text, supported, unsupported_facts) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!sen) return sen.error();
    for (size_t i = 0; i < message.sentences.size(); ++i) {
      const MessageSentence& s = message.sentences[i];
      // Facts are short strings from the answer ("5 mg"); one per line.
      std::string facts;
      for (const auto& f : s.unsupported_facts) {
        if (!facts.empty()) facts += '\n';
        facts += f;
      }
      sen->bind_int(1, message_id)
          .bind_int(2, static_cast<int64_t>(i))
          .bind_text(3, s.text)
          .bind_int(4, s.supported ? 1 : 0)
          .bind_text(5, facts);
      PW_TRY(sen->run());
    }
  }
  auto touch = db_.prepare("UPDATE chats SET updated_at = ?2 WHERE id = ?1");
  if (!touch) return touch.error();
  touch->bind_int(1, chat_id).bind_int(2, now);
  PW_TRY(touch->run());
  PW_TRY(tx->commit());
  return message_id;
}

Result<std::vector<MessageRecord>> LibraryStore::messages(int64_t chat_id) {
  // One read transaction so messages and sources come from the same snapshot.
  auto tx = sqlite::Transaction::begin(db_, sqlite::Transaction::Kind::Deferred);
  if (!tx) return tx.error();
  auto st = db_.prepare(
      "SELECT id, chat_id, role, content, model, quantization, created_at FROM messages WHERE chat_id = ?1 "
      "ORDER BY id");
  if (!st) return st.error();
  st->bind_int(1, chat_id);
  std::vector<MessageRecord> out;
  std::unordered_map<int64_t, size_t> index;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    MessageRecord m;
    m.id = st->int64(0);
    m.chat_id = st->int64(1);
    m.role = st->text(2);
    m.content = st->text(3);
    m.model = st->text(4);
    m.quantization = st->text(5);
    m.created_at = st->int64(6);
    index.emplace(m.id, out.size());
    out.push_back(std::move(m));
  }
  auto src = db_.prepare(
      "SELECT s.message_id, s.number, s.chunk_id, s.document_id, s.document_path, s.document_title, s.page_start, "
      "s.page_end, s.excerpt, s.heading_path FROM message_sources s JOIN messages m ON m.id = s.message_id "
      "WHERE m.chat_id = ?1 ORDER BY s.message_id, s.number");
  if (!src) return src.error();
  src->bind_int(1, chat_id);
  for (;;) {
    auto row = src->step();
    if (!row) return row.error();
    if (!*row) break;
    auto it = index.find(src->int64(0));
    if (it == index.end()) continue;
    MessageSource s;
    s.number = static_cast<int>(src->int64(1));
    if (!src->is_null(2)) s.chunk_id = src->int64(2);
    if (!src->is_null(3)) s.document_id = src->int64(3);
    s.document_path = src->text(4);
    s.document_title = src->text(5);
    s.page_start = static_cast<int>(src->int64(6));
    s.page_end = static_cast<int>(src->int64(7));
    s.excerpt = src->text(8);
    s.heading_path = src->text(9);
    out[it->second].sources.push_back(std::move(s));
  }
  auto sen = db_.prepare(
      "SELECT s.message_id, s.text, s.supported, s.unsupported_facts FROM message_sentences s "
      "JOIN messages m ON m.id = s.message_id WHERE m.chat_id = ?1 ORDER BY s.message_id, s.position");
  if (!sen) return sen.error();
  sen->bind_int(1, chat_id);
  for (;;) {
    auto row = sen->step();
    if (!row) return row.error();
    if (!*row) break;
    auto it = index.find(sen->int64(0));
    if (it == index.end()) continue;
    MessageSentence s;
    s.text = sen->text(1);
    s.supported = sen->int64(2) != 0;
    const std::string facts = sen->text(3);
    for (size_t start = 0; start < facts.size();) {
      size_t end = facts.find('\n', start);
      if (end == std::string::npos) end = facts.size();
      if (end > start) s.unsupported_facts.push_back(facts.substr(start, end - start));
      start = end + 1;
    }
    out[it->second].sentences.push_back(std::move(s));
  }
  PW_TRY(tx->commit());
  return out;
}

Status LibraryStore::set_chat_collections(int64_t chat_id, std::span<const int64_t> collection_ids) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  PW_TRY(check_chat_exists(db_, chat_id));
  auto clear = db_.prepare("DELETE FROM chat_collections WHERE chat_id = ?1");
  if (!clear) return clear.error();
  clear->bind_int(1, chat_id);
  PW_TRY(clear->run());
  auto add = db_.prepare("INSERT OR IGNORE INTO chat_collections(chat_id, collection_id) VALUES (?1, ?2)");
  if (!add) return add.error();
  for (int64_t id : collection_ids) {
    add->bind_int(1, chat_id).bind_int(2, id);
    Status s = add->run();
    if (!s.ok() && s.error().code() == ErrorCode::InvalidArgument) {
      return Error(ErrorCode::NotFound, "collection " + std::to_string(id) + " does not exist");
    }
    PW_TRY(s);
  }
  PW_TRY(tx->commit());
  return ok_status();
}

Result<std::vector<int64_t>> LibraryStore::chat_collections(int64_t chat_id) {
  auto st = db_.prepare("SELECT collection_id FROM chat_collections WHERE chat_id = ?1 ORDER BY collection_id");
  if (!st) return st.error();
  st->bind_int(1, chat_id);
  std::vector<int64_t> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(st->int64(0));
  }
  return out;
}

}  // namespace pw::rag
