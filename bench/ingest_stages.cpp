#include "bench/ingest_stages.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/util/sha256.h"
#include "ingest/chunker.h"
#include "ingest/extract.h"
#include "ingest/file_type.h"
#include "ingest/pdf_extractor.h"
#include "ingest/pdf_reader.h"
#include "rag/library/file_walk.h"
#include "rag/store/library_store.h"

namespace pw::bench {
namespace {

namespace fs = std::filesystem;

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double children_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Times fn() into `into` (thread CPU, plus the CPU of child processes it waited for).
template <typename Fn>
auto timed(StageTime& into, Fn&& fn) {
  const double c0 = thread_cpu_s(), k0 = children_cpu_s();
  const auto w0 = std::chrono::steady_clock::now();
  struct Add {
    StageTime& t;
    double c0, k0;
    std::chrono::steady_clock::time_point w0;
    ~Add() {
      t.cpu_s += thread_cpu_s() - c0 + children_cpu_s() - k0;
      t.wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    }
  } add{into, c0, k0, w0};
  return fn();
}

std::string head_of(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::string head(1024, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(f.gcount(), 0)));
  return head;
}

}  // namespace

nlohmann::ordered_json IngestStages::to_json() const {
  double total_cpu = 0;
  for (const auto& [name, t] : stages) total_cpu += t.cpu_s;
  nlohmann::ordered_json j;
  j["documents"] = documents;
  j["pages"] = pages;
  j["chunks"] = chunks;
  j["total_cpu_s"] = total_cpu;
  j["pages_per_cpu_s"] = total_cpu > 0 ? pages / total_cpu : 0.0;
  for (const auto& [name, t] : stages)
    j["stages"][name] = {{"cpu_s", t.cpu_s}, {"wall_s", t.wall_s}, {"share_of_cpu", total_cpu > 0 ? t.cpu_s / total_cpu : 0}};
  j["clock"] = "one thread, documents one after the other; cpu_s: thread CPU time (+ child processes for isolation)";
  return j;
}

Result<IngestStages> measure_ingest_stages(const fs::path& dir, const fs::path& work_dir) {
  IngestStages out;
  for (const char* name : {"walk", "hash", "poppler", "normalise", "isolation", "text", "chunk", "store"})
    out.stages[name] = {};
  const fs::path db = work_dir / "stages.sqlite3";
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  auto store = rag::LibraryStore::open(db);
  if (!store) return store.error();
  auto collection = store->ensure_collection("stages");
  if (!collection) return collection.error();

  const rag::WalkResult found = timed(out.stages["walk"], [&] { return rag::walk_documents(dir); });
  ingest::ExtractOptions isolated;
  ingest::ExtractOptions in_process;
  in_process.isolate_pdf = false;
  const ingest::ChunkOptions chunk_options;
  for (const rag::FoundFile& file : found.files) {
    auto digest = timed(out.stages["hash"], [&] { return sha256_file(file.path); });
    const ingest::FileType type = ingest::detect_file_type(file.path, head_of(file.path));
    Result<ingest::ExtractedDocument> doc{Error()};
    if (type.kind == ingest::FileKind::Pdf) {
      // The whole isolated read first: its CPU (parent + child) minus the in-process stages
      // below is what the isolation costs.
      StageTime whole;
      doc = timed(whole, [&] { return ingest::extract(file.path, isolated); });
      const bool clean = doc && (doc->status == ingest::DocumentStatus::Ok ||
                                 doc->status == ingest::DocumentStatus::NeedsOcr) &&
                         doc->error.find("crashed") == std::string::npos;
      if (clean) {
        std::optional<ingest::PdfInfo> info;
        std::vector<ingest::PdfPageText> pages;
        StageTime& poppler = out.stages["poppler"];
        const StageTime before_poppler = poppler;
        timed(poppler, [&] {
          ingest::read_pdf(
              file.path, "", in_process.max_pages, 1,
              [&](const ingest::PdfInfo& i) {
                info = i;
                return true;
              },
              [&](ingest::PdfPageText p) {
                pages.push_back(std::move(p));
                return true;
              });
          return 0;
        });
        StageTime& normalise = out.stages["normalise"];
        const StageTime before_normalise = normalise;
        if (info) timed(normalise, [&] { return ingest::build_pdf_document(file.path, *info, std::move(pages), {}); });
        const double in_cpu = poppler.cpu_s - before_poppler.cpu_s + normalise.cpu_s - before_normalise.cpu_s;
        const double in_wall = poppler.wall_s - before_poppler.wall_s + normalise.wall_s - before_normalise.wall_s;
        out.stages["isolation"].cpu_s += std::max(0.0, whole.cpu_s - in_cpu);
        out.stages["isolation"].wall_s += std::max(0.0, whole.wall_s - in_wall);
      } else {
        out.stages["isolation"].cpu_s += whole.cpu_s;
        out.stages["isolation"].wall_s += whole.wall_s;
      }
    } else {
      doc = timed(out.stages["text"], [&] { return ingest::extract(file.path, isolated); });
    }
    ++out.documents;
    if (!doc) continue;
    std::vector<ingest::Chunk> chunks;
    if ((doc->status == ingest::DocumentStatus::Ok || doc->status == ingest::DocumentStatus::NeedsOcr) &&
        !doc->pages.empty())
      chunks = timed(out.stages["chunk"], [&] { return ingest::chunk_document(*doc, chunk_options); });
    const rag::FileFacts facts{file.path, file.size, file.mtime_ns, digest ? *digest : std::string()};
    auto saved = timed(out.stages["store"], [&] { return store->replace_document(*collection, facts, *doc, chunks); });
    if (!saved) return saved.error();
    out.pages += static_cast<int>(doc->pages.size());
    out.chunks += static_cast<int>(chunks.size());
  }
  return out;
}

}  // namespace pw::bench
