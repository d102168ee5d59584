// pagewise-cli library: what the library holds: collections with their folders and files,
// and every document with its status, pages and chunk count.
//
//   pagewise-cli library
//   pagewise-cli library --db /srv/pagewise/library.sqlite3 --json
//
// JSON: {"library", "collections": [{"id", "name", "documents", "sources": [{"path",
// "folder"}]}], "documents": [{"path", "collection", "status", "error", "pages", "chunks",
// "title", "format", "size", "ingested_at"}]}. A library file that does not exist yet is
// reported as empty (exit 0) and is not created.
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "cli/command.h"
#include "cli/text_columns.h"
#include "rag/library/library.h"

namespace {

using pw::cli::lpad;
using pw::cli::pad;

int run_library(pw::cli::Args& args) {
  const auto db = args.take_option("db");
  const auto only = args.take_option("collection", "c");
  const bool json = args.take_flag("json");
  if (auto unknown = args.unknown_option()) return pw::cli::usage_error("library", "unknown option '" + *unknown + "'");
  if (!args.rest().empty()) return pw::cli::usage_error("library", "unexpected argument '" + args.rest()[0] + "'");

  const std::filesystem::path db_path = db ? std::filesystem::path(*db) : pw::rag::LibraryStore::default_path();
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    if (json) {
      std::cout << nlohmann::json{{"library", db_path.string()},
                                  {"exists", false},
                                  {"collections", nlohmann::json::array()},
                                  {"documents", nlohmann::json::array()}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << "No library at " << db_path.string() << " yet.\nAdd documents with: pagewise-cli ingest FOLDER\n";
    }
    return 0;
  }
  // Listing never needs to write: read-only first (works on a library we may not write),
  // the normal open (which may upgrade an older library) only when that fails.
  pw::rag::LibraryOptions read_only;
  read_only.read_only = true;
  auto library = pw::rag::Library::open(db_path, read_only);
  if (!library) library = pw::rag::Library::open(db_path);
  if (!library) {
    std::cerr << "pagewise-cli library: " << library.error().describe() << "\n";
    return 1;
  }
  auto& store = library->store();
  auto collections = store.list_collections();
  auto documents = store.list_documents();
  auto sources = library->sources();
  if (!collections || !documents || !sources) {
    const pw::Error& e = !collections ? collections.error() : !documents ? documents.error() : sources.error();
    std::cerr << "pagewise-cli library: " << e.describe() << "\n";
    return 1;
  }
  std::map<int64_t, std::string> names;
  for (const auto& c : *collections) names[c.id] = c.name;
  if (only && std::none_of(collections->begin(), collections->end(), [&](const auto& c) { return c.name == *only; })) {
    std::cerr << "pagewise-cli library: no collection named '" << *only << "'\n";
    return 1;
  }
  auto wanted = [&](int64_t collection_id) { return !only || names[collection_id] == *only; };

  if (json) {
    using nlohmann::json;
    json cs = json::array();
    for (const auto& c : *collections) {
      if (!wanted(c.id)) continue;
      json src = json::array();
      for (const auto& s : *sources)
        if (s.collection_id == c.id) src.push_back({{"path", s.path}, {"folder", s.is_folder}});
      cs.push_back({{"id", c.id}, {"name", c.name}, {"documents", c.document_count}, {"sources", src}});
    }
    json ds = json::array();
    for (const auto& d : *documents) {
      if (!wanted(d.collection_id)) continue;
      ds.push_back({{"path", d.path},
                    {"collection", names[d.collection_id]},
                    {"status", pw::ingest::to_string(d.status)},
                    {"error", d.error},
                    {"pages", d.pages},
                    {"chunks", d.chunk_count},
                    {"title", d.title},
                    {"format", d.format},
                    {"size", d.size},
                    {"ingested_at", d.ingested_at}});
    }
    const json out = {{"library", library->path()}, {"exists", true}, {"collections", cs}, {"documents", ds}};
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }

  int64_t total_documents = 0, total_chunks = 0;
  for (const auto& d : *documents) {
    if (!wanted(d.collection_id)) continue;
    ++total_documents;
    total_chunks += d.chunk_count;
  }
  std::cout << "Library " << library->path() << ": " << collections->size() << " collection"
            << (collections->size() == 1 ? "" : "s") << ", " << total_documents << " documents, " << total_chunks
            << " chunks\n";
  for (const auto& c : *collections) {
    if (!wanted(c.id)) continue;
    std::cout << "\nCollection '" << c.name << "' (" << c.document_count << " document" << (c.document_count == 1 ? "" : "s")
              << ")\n";
    for (const auto& s : *sources)
      if (s.collection_id == c.id) std::cout << "  " << (s.is_folder ? "folder " : "file   ") << s.path << "\n";
    bool header = false;
    for (const auto& d : *documents) {
      if (d.collection_id != c.id) continue;
      if (!header) std::cout << "  " << pad("status", 12) << lpad("pages", 6) << lpad("chunks", 8) << "  path\n";
      header = true;
      std::cout << "  " << pad(pw::ingest::to_string(d.status), 12) << lpad(std::to_string(d.pages), 6)
                << lpad(std::to_string(d.chunk_count), 8) << "  " << d.path << "\n";
      if (!d.error.empty()) std::cout << "  " << pad("", 28) << d.error << "\n";
    }
  }
  return 0;
}

}  // namespace

PW_CLI_COMMAND(library, "library", "library [--db FILE] [--collection NAME] [--json]",
               "List the library's collections and documents with status, pages and chunk counts", run_library);
