#include <gtest/gtest.h>

#include "rag/store/library_store.h"
#include "store_test_documents.h"
#include "support/test_support.h"

namespace {

using pw::ErrorCode;
using pw::rag::LibraryStore;
using pw::rag::MessageSource;

TEST(StoreChats, ChatsMessagesAndSourcesRoundTrip) {
  pw::test::TempDir dir;
  auto store = *LibraryStore::open(dir / "lib.sqlite3");
  int64_t hr = *store.create_collection("HR");
  auto d = pw::rag::testing::make_document("/d/leave.pdf", 3, 3, "Leave");
  int64_t doc = *store.replace_document(hr, d.facts, d.extracted, d.chunks);
  auto chunks = *store.document_chunks(doc);

  auto chat = store.create_chat("Leave questions", hr);
  ASSERT_TRUE(chat.ok());
  auto general = store.create_chat("General");
  ASSERT_TRUE(general.ok());
  EXPECT_EQ(store.create_chat("x", 4242).error().code(), ErrorCode::NotFound);

  ASSERT_TRUE(store.add_message(*chat, "user", "How many days carry over?").ok());
  std::vector<MessageSource> sources = {
      {1, chunks[0].id, doc, "/d/leave.pdf", "Leave", 1, 1, "Leave chunk 0", ""},
      {2, chunks[2].id, doc, "/d/leave.pdf", "Leave", 3, 3, "Leave chunk 2", ""}};
  auto answer = store.add_message(*chat, "assistant", "Five days [1][2].", "qwen2.5-0.5b", sources);
  ASSERT_TRUE(answer.ok()) << answer.error().describe();

  auto msgs = store.messages(*chat);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].role, "user");
  EXPECT_TRUE((*msgs)[0].sources.empty());
  const auto& a = (*msgs)[1];
  EXPECT_EQ(a.id, *answer);
  EXPECT_EQ(a.model, "qwen2.5-0.5b");
  ASSERT_EQ(a.sources.size(), 2u);
  EXPECT_EQ(a.sources[1].number, 2);
  EXPECT_EQ(a.sources[1].chunk_id, chunks[2].id);
  EXPECT_EQ(a.sources[1].document_id, doc);
  EXPECT_EQ(a.sources[1].page_start, 3);
  EXPECT_EQ(a.sources[1].excerpt, "Leave chunk 2");

  auto list = *store.list_chats();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, *chat);  // most recently updated first (same second: latest message wins)
  EXPECT_EQ(list[0].collection_id, hr);
  EXPECT_FALSE(list[1].collection_id.has_value());

  // Re-ingesting the document keeps the citation readable; the stale ids become empty.
  auto v2 = pw::rag::testing::make_document("/d/leave.pdf", 3, 3, "Leave", "new text");
  ASSERT_TRUE(store.replace_document(hr, v2.facts, v2.extracted, v2.chunks).ok());
  auto after = *store.messages(*chat);
  EXPECT_FALSE(after[1].sources[0].chunk_id.has_value());
  EXPECT_EQ(after[1].sources[0].document_id, doc);
  EXPECT_EQ(after[1].sources[0].excerpt, "Leave chunk 0");
  ASSERT_TRUE(store.remove_document(doc).ok());
  after = *store.messages(*chat);
  EXPECT_FALSE(after[1].sources[0].document_id.has_value());
  EXPECT_EQ(after[1].sources[0].document_path, "/d/leave.pdf");

  ASSERT_TRUE(store.rename_chat(*chat, "Carry-over").ok());
  EXPECT_EQ(store.list_chats()->front().title, "Carry-over");
  ASSERT_TRUE(store.delete_chat(*chat).ok());
  EXPECT_EQ(*store.database().scalar_int("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(*store.database().scalar_int("SELECT count(*) FROM message_sources"), 0);
  EXPECT_EQ(store.delete_chat(*chat).error().code(), ErrorCode::NotFound);
  EXPECT_EQ(store.rename_chat(*chat, "x").error().code(), ErrorCode::NotFound);
}

TEST(StoreChats, BadMessagesAreRejectedWithoutPartialWrites) {
  pw::test::TempDir dir;
  auto store = *LibraryStore::open(dir / "lib.sqlite3");
  int64_t chat = *store.create_chat("c");
  EXPECT_EQ(store.add_message(chat, "robot", "hi").error().code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(store.add_message(9999, "user", "hi").error().code(), ErrorCode::NotFound);
  std::vector<MessageSource> dup = {{1, std::nullopt, std::nullopt, "/a", "A", 1, 1, "x", ""},
                                    {1, std::nullopt, std::nullopt, "/b", "B", 2, 2, "y", ""}};
  EXPECT_EQ(store.add_message(chat, "assistant", "[1]", "m", dup).error().code(), ErrorCode::InvalidArgument);
  // Sources pointing at ids that do not exist are kept with empty ids.
  std::vector<MessageSource> dangling = {{1, 12345, 678, "/gone.pdf", "Gone", 4, 5, "old", ""}};
  ASSERT_TRUE(store.add_message(chat, "assistant", "[1]", "m", dangling).ok());
  auto msgs = *store.messages(chat);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_FALSE(msgs[0].sources[0].chunk_id.has_value());
  EXPECT_FALSE(msgs[0].sources[0].document_id.has_value());
  EXPECT_EQ(msgs[0].sources[0].page_end, 5);
}

// A reopened answer shows what it showed when it was written: the sentence the evidence
// check flagged stays flagged with its reason, sources keep their heading path, the model
// its quantization.
TEST(StoreChats, SentenceVerdictsHeadingPathsAndQuantizationRoundTrip) {
  pw::test::TempDir dir;
  auto store = *LibraryStore::open(dir / "lib.sqlite3");
  int64_t chat = *store.create_chat("Doses");
  pw::rag::MessageRecord answer;
  answer.role = "assistant";
  answer.content = "Give 15 mg/kg [1]. Never more than 5 doses [1].";
  answer.model = "qwen2.5-0.5b";
  answer.quantization = "Q4_K_M";
  answer.sources = {{1, std::nullopt, std::nullopt, "/g.pdf", "Guideline", 2, 2, "15 mg/kg every 6 hours",
                     "Analgesia > 4.2 Paracetamol"}};
  answer.sentences = {{"Give 15 mg/kg.", true, {}}, {"Never more than 5 doses.", false, {"5 doses", "x\u00e6"}}};
  ASSERT_TRUE(store.add_message(chat, "user", "How much paracetamol?").ok());
  auto id = store.add_message(chat, answer);
  ASSERT_TRUE(id.ok()) << id.error().describe();

  auto msgs = *store.messages(chat);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_TRUE(msgs[0].sentences.empty());
  const auto& a = msgs[1];
  EXPECT_EQ(a.id, *id);
  EXPECT_EQ(a.quantization, "Q4_K_M");
  ASSERT_EQ(a.sources.size(), 1u);
  EXPECT_EQ(a.sources[0].heading_path, "Analgesia > 4.2 Paracetamol");
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].text, "Give 15 mg/kg.");
  EXPECT_TRUE(a.sentences[0].supported);
  EXPECT_TRUE(a.sentences[0].unsupported_facts.empty());
  EXPECT_FALSE(a.sentences[1].supported);
  EXPECT_EQ(a.sentences[1].unsupported_facts, (std::vector<std::string>{"5 doses", "x\u00e6"}));

  ASSERT_TRUE(store.delete_chat(chat).ok());
  EXPECT_EQ(*store.database().scalar_int("SELECT count(*) FROM message_sentences"), 0);
}

TEST(StoreChats, ChatsRememberTheCollectionsTheySearch) {
  pw::test::TempDir dir;
  auto store = *LibraryStore::open(dir / "lib.sqlite3");
  int64_t hr = *store.create_collection("HR policies");
  int64_t clinical = *store.create_collection("Clinical guidelines");
  int64_t it = *store.create_collection("IT");
  int64_t chat = *store.create_chat("c");
  int64_t other = *store.create_chat("d");
  EXPECT_TRUE(store.chat_collections(chat)->empty());  // new chats search everything

  const std::vector<int64_t> two = {clinical, hr};
  ASSERT_TRUE(store.set_chat_collections(chat, two).ok());
  EXPECT_EQ(*store.chat_collections(chat), (std::vector<int64_t>{hr, clinical}));
  EXPECT_TRUE(store.chat_collections(other)->empty());
  const std::vector<int64_t> one = {it};
  ASSERT_TRUE(store.set_chat_collections(chat, one).ok());  // replaces, not adds
  EXPECT_EQ(*store.chat_collections(chat), one);

  // Unknown ids are refused and leave the old choice in place.
  const std::vector<int64_t> bad = {hr, 4242};
  EXPECT_EQ(store.set_chat_collections(chat, bad).error().code(), ErrorCode::NotFound);
  EXPECT_EQ(*store.chat_collections(chat), one);
  EXPECT_EQ(store.set_chat_collections(9999, one).error().code(), ErrorCode::NotFound);

  // A removed collection drops out; a removed chat takes its list with it.
  ASSERT_TRUE(store.set_chat_collections(chat, two).ok());
  ASSERT_TRUE(store.delete_collection(hr).ok());
  EXPECT_EQ(*store.chat_collections(chat), (std::vector<int64_t>{clinical}));
  ASSERT_TRUE(store.delete_chat(chat).ok());
  EXPECT_EQ(*store.database().scalar_int("SELECT count(*) FROM chat_collections"), 0);
}

}  // namespace
