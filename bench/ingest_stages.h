// Where ingestion time goes, stage by stage: every document of a folder is taken through the
// stages one after the other on ONE thread, each stage timed on its own (thread CPU time and
// wall time). `pagewise-bench ingest --stages` prints the result next to the parallel run.
//
//   auto stages = pw::bench::measure_ingest_stages(dir, work_dir);   // work_dir: scratch library
//   if (!stages) return stages.error();
//   nlohmann::json j = stages->to_json();   // {"hash": {"cpu_s", "wall_s", "share"}, ...}
//
// Stages: walk (folder listing), hash (SHA-256 of the file, as the incremental check does),
// poppler (Poppler's text per page, in this process), normalise (ligatures, hyphenation,
// running headers, title: build_pdf_document), isolation (what reading each PDF in a child
// process costs on top of poppler + normalise: fork, pipe, decode), text (TXT/MD/HTML
// extraction), chunk (chunk_document), store (replace_document: rows, FTS5 index, commit, in
// a scratch library). Only PDFs the isolated reader read without a crash are also read in
// process (a hostile file must not take the benchmark down); the others count in `isolation`.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/util/status.h"

namespace pw::bench {

struct StageTime {
  double cpu_s = 0;   // CPU time of this thread (and of child processes for `isolation`)
  double wall_s = 0;
};

struct IngestStages {
  std::map<std::string, StageTime> stages;
  int documents = 0;
  int pages = 0;
  int chunks = 0;
  nlohmann::ordered_json to_json() const;
};

Result<IngestStages> measure_ingest_stages(const std::filesystem::path& dir, const std::filesystem::path& work_dir);

}  // namespace pw::bench
