// Plain records read from and written to the library (rag/store/library_store.h). No behaviour.
//
//   pw::rag::FileFacts facts{.path = p, .size = st.size, .mtime_ns = st.mtime_ns, .sha256 = hex};
//   for (const pw::rag::DocumentRecord& d : *store.list_documents()) show(d.title, d.chunk_count);
//
// Ids are SQLite row ids (never reused after a delete). Timestamps are Unix seconds. Page
// numbers are 1-based physical pages, as in ingest/document.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ingest/document.h"

namespace pw::rag {

// What a folder scan knows about a file before (re)ingesting it.
struct FileFacts {
  std::string path;      // as the user added it (absolute)
  int64_t size = 0;      // bytes
  int64_t mtime_ns = 0;  // modification time, nanoseconds since the epoch
  std::string sha256;    // lowercase hex (engine/util/sha256.h)
};

struct CollectionRecord {
  int64_t id = 0;
  std::string name;
  int64_t created_at = 0;
  int64_t document_count = 0;
};

struct DocumentRecord {
  int64_t id = 0;
  int64_t collection_id = 0;
  std::string path;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string sha256;
  std::string title;
  std::string author;
  std::string format;
  int pages = 0;
  ingest::DocumentStatus status = ingest::DocumentStatus::Ok;
  std::string error;
  std::vector<int> needs_ocr_pages;
  std::string running_header;
  std::string running_footer;
  int64_t ingested_at = 0;
  int64_t chunk_count = 0;
};

struct ChunkRecord {
  int64_t id = 0;
  int64_t document_id = 0;
  int ordinal = 0;
  int page_start = 0;
  int page_end = 0;
  uint32_t char_start = 0;
  uint32_t char_end = 0;
  std::string heading_path;
  std::string text;
  int token_count = 0;
};

struct PageRecord {
  int64_t document_id = 0;
  int number = 0;
  std::string label;
  std::string text;
};

// Restricts a search. Empty lists mean "no restriction"; both set means both must hold.
struct SearchFilter {
  std::vector<int64_t> collection_ids;
  std::vector<int64_t> document_ids;

  static SearchFilter in_collections(std::vector<int64_t> ids) { return SearchFilter{std::move(ids), {}}; }
  static SearchFilter in_documents(std::vector<int64_t> ids) { return SearchFilter{{}, std::move(ids)}; }
};

// One full-text hit. score = -bm25, so higher is better and scores of one query compare.
struct FtsHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  double score = 0;
};

// Whether a file on disk must be (re)ingested.
enum class FileState {
  New,        // not in the library yet
  Unchanged,  // same size and mtime, or same content (hash) -> skip
  Changed,    // content differs -> replace
};

// ---- embeddings ---------------------------------------------------------------------------

// How vectors of a model are kept. Int8 stores one byte per dimension plus a per-vector scale
// (value = q * scale), a quarter of Float32's size, with cosine error around 1e-3.
// Stored as text ("f32", "i8"): append, never rename.
enum class VectorEncoding { Float32, Int8 };

struct EmbeddingModelRecord {
  int64_t id = 0;
  std::string name;  // the model's identity, e.g. "bge-small-en-v1.5.Q8_0.gguf"
  int dim = 0;
  VectorEncoding encoding = VectorEncoding::Float32;
  int64_t created_at = 0;
};

struct ChunkEmbedding {
  int64_t chunk_id = 0;
  std::vector<float> vector;  // exactly the model's dim values, all finite
};

// A chunk still lacking a vector for some model, with everything an embedder may use.
struct ChunkToEmbed {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string document_title;
  std::string heading_path;
  std::string text;
};

// All vectors of one model, compact, for brute-force similarity search. Row i belongs to
// chunk_ids[i]. Float32: f32 holds rows*dim values. Int8: i8 holds rows*dim values and
// scales[i] the scale of row i.
struct EmbeddingMatrix {
  int dim = 0;
  VectorEncoding encoding = VectorEncoding::Float32;
  std::vector<int64_t> chunk_ids;
  std::vector<float> f32;
  std::vector<int8_t> i8;
  std::vector<float> scales;

  size_t rows() const { return chunk_ids.size(); }
  // Row i as float32 (dequantised for Int8). `out` must hold dim values.
  void row(size_t i, float* out) const;
};

// ---- chats ----------------------------------------------------------------------------------

struct ChatRecord {
  int64_t id = 0;
  std::string title;
  std::optional<int64_t> collection_id;  // the collection the chat asks, if limited to one
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A source cited by an answer as [number]. The copy of path/title/pages/excerpt keeps the
// citation readable after the document is re-ingested or removed (ids then become empty).
struct MessageSource {
  int number = 0;
  std::optional<int64_t> chunk_id;
  std::optional<int64_t> document_id;
  std::string document_path;
  std::string document_title;
  int page_start = 0;
  int page_end = 0;
  std::string excerpt;
  std::string heading_path;  // "Leave policy > 4.2 Carry-over"
};

// One sentence of an answer as the evidence check judged it (rag/answer): a flagged sentence
// stays flagged, with its reason, when the chat is reopened.
struct MessageSentence {
  std::string text;
  bool supported = true;
  std::vector<std::string> unsupported_facts;  // e.g. "5 mg": not found in the cited sources
};

struct MessageRecord {
  int64_t id = 0;
  int64_t chat_id = 0;
  std::string role;     // "user", "assistant" or "system"
  std::string content;
  std::string model;    // which language model answered (empty for user messages)
  std::string quantization;  // of that model ("Q4_K_M"), empty when unknown
  int64_t created_at = 0;
  std::vector<MessageSource> sources;
  std::vector<MessageSentence> sentences;  // empty when no check ran (questions, old files)
};

}  // namespace pw::rag
