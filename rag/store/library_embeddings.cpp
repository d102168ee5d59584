// LibraryStore: embedding models, vectors per (chunk, model), and the active model.
#include "rag/store/library_store.h"
#include "rag/store/store_rows.h"
#include "rag/store/vector_codec.h"

namespace pw::rag {
namespace {

constexpr int kMaxEmbeddingDim = 65536;
constexpr const char* kActiveModelKey = "active_embedding_model";
constexpr const char* kModelColumns = "id, name, dim, encoding, created_at";

Result<EmbeddingModelRecord> read_model(const sqlite::Statement& st, const std::string& db_path) {
  EmbeddingModelRecord m;
  m.id = st.int64(0);
  m.name = st.text(1);
  m.dim = static_cast<int>(st.int64(2));
  auto encoding = vector_encoding_from_string(st.text(3));
  if (!encoding || m.dim <= 0 || m.dim > kMaxEmbeddingDim) {
    return Error(ErrorCode::Corrupt, db_path, "embedding model '" + m.name + "' has an invalid dimension or encoding");
  }
  m.encoding = *encoding;
  m.created_at = st.int64(4);
  return m;
}

}  // namespace

Result<std::optional<EmbeddingModelRecord>> LibraryStore::embedding_model(std::string_view name) {
  auto st = db_.prepare(std::string("SELECT ") + kModelColumns + " FROM embedding_models WHERE name = ?1");
  if (!st) return st.error();
  st->bind_text(1, name);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<EmbeddingModelRecord>();
  auto model = read_model(*st, db_.path());
  st->reset();
  if (!model) return model.error();
  return std::optional<EmbeddingModelRecord>(std::move(*model));
}

Result<std::vector<EmbeddingModelRecord>> LibraryStore::embedding_models() {
  auto st = db_.prepare(std::string("SELECT ") + kModelColumns + " FROM embedding_models ORDER BY id");
  if (!st) return st.error();
  std::vector<EmbeddingModelRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    auto model = read_model(*st, db_.path());
    if (!model) return model.error();
    out.push_back(std::move(*model));
  }
  return out;
}

Result<EmbeddingModelRecord> LibraryStore::ensure_embedding_model(std::string_view name, int dim,
                                                                  VectorEncoding encoding) {
  if (name.empty()) return Error(ErrorCode::InvalidArgument, "an embedding model needs a name");
  if (dim <= 0 || dim > kMaxEmbeddingDim) {
    return Error(ErrorCode::InvalidArgument, std::string(name), "embedding dimension " + std::to_string(dim) + " is out of range");
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto existing = embedding_model(name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    const auto& m = **existing;
    if (m.dim != dim || m.encoding != encoding) {
      return Error(ErrorCode::InvalidArgument, std::string(name),
                   "the library already holds vectors of this model with dimension " + std::to_string(m.dim) +
                       " (" + to_string(m.encoding) + "); remove them first");
    }
    return m;
  }
  auto st = db_.prepare("INSERT INTO embedding_models(name, dim, encoding, created_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.error();
  EmbeddingModelRecord m{0, std::string(name), dim, encoding, detail::unix_now()};
  st->bind_text(1, m.name).bind_int(2, dim).bind_text(3, to_string(encoding)).bind_int(4, m.created_at);
  PW_TRY(st->run());
  m.id = db_.last_insert_rowid();
  PW_TRY(tx->commit());
  return m;
}

Status LibraryStore::remove_embedding_model(int64_t model_id) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto active = active_embedding_model();
  if (!active) return active.error();
  if (active->has_value() && (*active)->id == model_id) {
    auto clear = db_.prepare("DELETE FROM settings WHERE key = ?1");
    if (!clear) return clear.error();
    clear->bind_text(1, kActiveModelKey);
    PW_TRY(clear->run());
  }
  auto st = db_.prepare("DELETE FROM embedding_models WHERE id = ?1");  // cascades to its vectors
  if (!st) return st.error();
  st->bind_int(1, model_id);
  PW_TRY(st->run());
  if (db_.changes() == 0) return Error(ErrorCode::NotFound, "embedding model " + std::to_string(model_id) + " does not exist");
  return tx->commit();
}

namespace {

Result<EmbeddingModelRecord> model_by_id(sqlite::Database& db, int64_t model_id) {
  auto st = db.prepare(std::string("SELECT ") + kModelColumns + " FROM embedding_models WHERE id = ?1");
  if (!st) return st.error();
  st->bind_int(1, model_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error(ErrorCode::NotFound, "embedding model " + std::to_string(model_id) + " does not exist");
  auto model = read_model(*st, db.path());
  st->reset();
  return model;
}

}  // namespace

Result<int64_t> LibraryStore::put_embeddings(int64_t model_id, std::span<const ChunkEmbedding> embeddings) {
  auto model = model_by_id(db_, model_id);
  if (!model) return model.error();
  // Check and encode everything before writing anything.
  std::vector<EncodedVector> encoded;
  encoded.reserve(embeddings.size());
  for (const auto& e : embeddings) {
    if (e.vector.size() != static_cast<size_t>(model->dim)) {
      return Error(ErrorCode::InvalidArgument, model->name,
                   "an embedding has " + std::to_string(e.vector.size()) + " values, the model has " +
                       std::to_string(model->dim));
    }
    auto enc = encode_vector(e.vector, model->encoding);
    if (!enc) return enc.error().with_subject(model->name);
    encoded.push_back(std::move(*enc));
  }
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return tx.error();
  // The EXISTS guard skips chunks removed by a re-ingest since they were read for embedding.
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO embeddings(model_id, chunk_id, scale, vector) "
      "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?2)");
  if (!st) return st.error();
  int64_t written = 0;
  for (size_t i = 0; i < embeddings.size(); ++i) {
    st->bind_int(1, model_id)
        .bind_int(2, embeddings[i].chunk_id)
        .bind_double(3, encoded[i].scale)
        .bind_blob(4, encoded[i].bytes.data(), encoded[i].bytes.size());
    PW_TRY(st->run());
    written += db_.changes() > 0 ? 1 : 0;
  }
  PW_TRY(tx->commit());
  return written;
}

Result<std::vector<float>> LibraryStore::embedding(int64_t model_id, int64_t chunk_id) {
  auto model = model_by_id(db_, model_id);
  if (!model) return model.error();
  auto st = db_.prepare("SELECT scale, vector FROM embeddings WHERE model_id = ?1 AND chunk_id = ?2");
  if (!st) return st.error();
  st->bind_int(1, model_id).bind_int(2, chunk_id);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) {
    return Error(ErrorCode::NotFound, model->name, "chunk " + std::to_string(chunk_id) + " has no vector for this model");
  }
  std::vector<float> out(static_cast<size_t>(model->dim));
  Status s = decode_vector(st->blob(1), static_cast<float>(st->real(0)), model->dim, model->encoding, out.data());
  st->reset();
  if (!s.ok()) return s.error().with_subject(db_.path());
  return out;
}

Result<EmbeddingMatrix> LibraryStore::load_embeddings(int64_t model_id, const SearchFilter& filter) {
  auto model = model_by_id(db_, model_id);
  if (!model) return model.error();
  std::string sql = "SELECT e.chunk_id, e.scale, e.vector FROM embeddings e";
  if (!filter.collection_ids.empty() || !filter.document_ids.empty()) sql += " JOIN chunks c ON c.id = e.chunk_id";
  if (!filter.collection_ids.empty()) sql += " JOIN documents d ON d.id = c.document_id";
  sql += " WHERE e.model_id = ?";
  detail::add_in_clause(sql, "d.collection_id", filter.collection_ids);
  detail::add_in_clause(sql, "c.document_id", filter.document_ids);
  sql += " ORDER BY e.chunk_id";
  auto st = db_.prepare(sql);
  if (!st) return st.error();
  int index = 1;
  st->bind_int(index++, model_id);
  detail::bind_list(*st, index, filter.collection_ids);
  detail::bind_list(*st, index, filter.document_ids);

  EmbeddingMatrix m;
  m.dim = model->dim;
  m.encoding = model->encoding;
  const size_t dim = static_cast<size_t>(model->dim);
  const size_t row_bytes = dim * bytes_per_value(model->encoding);
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    auto bytes = st->blob(2);
    if (bytes.size() != row_bytes) {
      return Error(ErrorCode::Corrupt, db_.path(),
                   "the vector of chunk " + std::to_string(st->int64(0)) + " for model '" + model->name + "' has " +
                       std::to_string(bytes.size()) + " bytes instead of " + std::to_string(row_bytes));
    }
    m.chunk_ids.push_back(st->int64(0));
    m.scales.push_back(static_cast<float>(st->real(1)));
    if (model->encoding == VectorEncoding::Float32) {
      size_t at = m.f32.size();
      m.f32.resize(at + dim);
      PW_TRY(decode_vector(bytes, 1.0f, model->dim, VectorEncoding::Float32, m.f32.data() + at));
    } else {
      m.i8.insert(m.i8.end(), reinterpret_cast<const int8_t*>(bytes.data()),
                  reinterpret_cast<const int8_t*>(bytes.data()) + bytes.size());
    }
  }
  return m;
}

Result<std::vector<int64_t>> LibraryStore::documents_missing_embeddings(int64_t model_id) {
  auto st = db_.prepare(
      "SELECT DISTINCT c.document_id FROM chunks c WHERE NOT EXISTS "
      "(SELECT 1 FROM embeddings e WHERE e.model_id = ?1 AND e.chunk_id = c.id) ORDER BY c.document_id");
  if (!st) return st.error();
  st->bind_int(1, model_id);
  std::vector<int64_t> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(st->int64(0));
  }
  return out;
}

Result<std::vector<ChunkToEmbed>> LibraryStore::chunks_missing_embeddings(int64_t model_id, int limit) {
  std::vector<ChunkToEmbed> out;
  if (limit <= 0) return out;
  auto st = db_.prepare(
      "SELECT c.id, c.document_id, d.title, c.heading_path, c.text FROM chunks c "
      "JOIN documents d ON d.id = c.document_id WHERE NOT EXISTS "
      "(SELECT 1 FROM embeddings e WHERE e.model_id = ?1 AND e.chunk_id = c.id) ORDER BY c.id LIMIT ?2");
  if (!st) return st.error();
  st->bind_int(1, model_id).bind_int(2, limit);
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(ChunkToEmbed{st->int64(0), st->int64(1), st->text(2), st->text(3), st->text(4)});
  }
  return out;
}

Result<int64_t> LibraryStore::count_chunks_missing_embeddings(int64_t model_id) {
  auto st = db_.prepare(
      "SELECT count(*) FROM chunks c WHERE NOT EXISTS "
      "(SELECT 1 FROM embeddings e WHERE e.model_id = ?1 AND e.chunk_id = c.id)");
  if (!st) return st.error();
  st->bind_int(1, model_id);
  auto row = st->step();
  if (!row) return row.error();
  int64_t n = *row ? st->int64(0) : 0;
  st->reset();
  return n;
}

Result<std::optional<EmbeddingModelRecord>> LibraryStore::active_embedding_model() {
  auto name = setting(kActiveModelKey);
  if (!name) return name.error();
  if (!name->has_value()) return std::optional<EmbeddingModelRecord>();
  return embedding_model(**name);
}

Status LibraryStore::set_active_embedding_model(int64_t model_id) {
  auto model = model_by_id(db_, model_id);
  if (!model) return model.error();
  return set_setting(kActiveModelKey, model->name);
}

}  // namespace pw::rag
