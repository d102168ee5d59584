#include "rag/library/ingest_pipeline.h"

#include "engine/util/log.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/util/sha256.h"

namespace pw::rag {
namespace {

using Clock = std::chrono::steady_clock;
using ingest::DocumentStatus;

constexpr auto kProgressInterval = std::chrono::milliseconds(200);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool cancelled(const IngestOptions& options) { return options.cancel && options.cancel->load(); }

struct Finished {
  size_t job = 0;
  PreparedDocument prepared;
  double seconds = 0;
};

// Shared state of one run: the job cursor, the results waiting for the writer, and what each
// worker is reading (for progress).
class Run {
 public:
  Run(const std::vector<IngestJob>& jobs, const IngestOptions& options, int threads)
      : jobs_(jobs), options_(options), in_flight_(static_cast<size_t>(threads)), capacity_(static_cast<size_t>(threads) + 1) {}

  void worker(size_t slot) {
    for (;;) {
      size_t index;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_ || cancelled(options_) || next_ >= jobs_.size()) break;
        index = next_++;
        in_flight_[slot] = jobs_[index].file.path;
      }
      const auto start = Clock::now();
      Finished f{index, prepare_document(jobs_[index].file.path, options_, jobs_[index].sha256), 0};
      f.seconds = seconds_since(start);
      std::unique_lock<std::mutex> lock(mu_);
      space_.wait(lock, [&] { return stop_ || queue_.size() < capacity_; });
      if (stop_) break;
      queue_.push_back(std::move(f));
      ready_.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_[slot].clear();
    --running_;
    ready_.notify_one();
  }

  // Waits up to `timeout` for a finished document. nullopt: none yet (or all done: see done()).
  std::optional<Finished> next_finished(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait_for(lock, timeout, [&] { return !queue_.empty() || running_ == 0 || cancelled(options_); });
    if (queue_.empty()) return std::nullopt;
    Finished f = std::move(queue_.front());
    queue_.pop_front();
    space_.notify_one();
    return f;
  }

  bool done() {
    std::lock_guard<std::mutex> lock(mu_);
    return running_ == 0 && queue_.empty();
  }

  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    space_.notify_all();
  }

  std::string current_file() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& f : in_flight_)
      if (!f.empty()) return f;
    return {};
  }

  void set_running(int n) { running_ = n; }

 private:
  const std::vector<IngestJob>& jobs_;
  const IngestOptions& options_;
  std::mutex mu_;
  std::condition_variable ready_;  // the writer waits for results
  std::condition_variable space_;  // workers wait for room in the queue
  std::deque<Finished> queue_;
  std::vector<std::string> in_flight_;
  size_t capacity_;
  size_t next_ = 0;
  int running_ = 0;
  bool stop_ = false;
};

int worker_count(const IngestOptions& options, size_t jobs) {
  int n = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  n = std::clamp(n, 1, 64);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(n), std::max<size_t>(jobs, 1)));
}

}  // namespace

PreparedDocument prepare_document(const std::string& path, const IngestOptions& options,
                                  const std::string& known_sha256) {
  PreparedDocument out;
  // Hash first (or take the scan's hash): if the file changes while we read it, the stored
  // (older) hash makes the next scan see a change and read it again, never the other way round.
  out.sha256 = known_sha256;
  if (out.sha256.empty()) {
    auto digest = sha256_file(path);
    if (digest) out.sha256 = std::move(*digest);
  }

  out.document = ingest::extract(path, options.extract);
  if (out.document && out.document->status == DocumentStatus::Encrypted) {
    for (const std::string& password : options.passwords) {
      if (password.empty() || password == options.extract.password) continue;
      ingest::ExtractOptions with_password = options.extract;
      with_password.password = password;
      auto again = ingest::extract(path, with_password);
      if (!again || again->status != DocumentStatus::Encrypted) {
        out.document = std::move(again);
        break;
      }
      out.document->error = again->error;  // "the password does not open ..."
    }
  }
  if (out.document && (out.document->status == DocumentStatus::Ok || out.document->status == DocumentStatus::NeedsOcr) &&
      !out.document->pages.empty()) {
    out.chunks = ingest::chunk_document(*out.document, options.chunk);
  }
  return out;
}

Status run_ingest_jobs(LibraryStore& store, int64_t collection_id, const std::string& collection_name,
                       std::vector<IngestJob> jobs, const IngestOptions& options, IngestReport& report) {
  if (jobs.empty()) return ok_status();
  // Largest first: the long documents start early instead of ending the run on one core.
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const IngestJob& a, const IngestJob& b) { return a.file.size > b.file.size; });
  const auto start = Clock::now();
  int64_t total_bytes = 0;
  for (const auto& j : jobs) total_bytes += std::max<int64_t>(j.file.size, 1);

  const int threads = worker_count(options, jobs.size());
  Run run(jobs, options, threads);
  run.set_running(threads);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) workers.emplace_back([&run, t] { run.worker(static_cast<size_t>(t)); });

  IngestProgress progress;
  progress.total = static_cast<int>(jobs.size());
  int64_t done_bytes = 0;
  auto last_progress = Clock::now() - kProgressInterval;
  auto emit_progress = [&](bool force, const std::string& file) {
    if (!options.on_progress) return;
    const auto now = Clock::now();
    if (!force && now - last_progress < kProgressInterval) return;
    last_progress = now;
    progress.elapsed_s = seconds_since(start);
    progress.eta_s = done_bytes > 0 ? progress.elapsed_s * static_cast<double>(total_bytes - done_bytes) /
                                          static_cast<double>(done_bytes)
                                    : -1;
    if (!file.empty()) progress.current_file = file;
    options.on_progress(progress);
  };
  emit_progress(true, jobs.front().file.path);

  std::optional<Error> store_error;
  for (;;) {
    if (cancelled(options)) {
      report.cancelled = true;
      break;
    }
    std::optional<Finished> finished = run.next_finished(kProgressInterval);
    if (!finished) {
      if (run.done()) break;
      emit_progress(false, run.current_file());
      continue;
    }
    if (cancelled(options)) {  // never save after a cancel, even what is already read
      report.cancelled = true;
      break;
    }
    const IngestJob& job = jobs[finished->job];
    DocumentOutcome outcome;
    outcome.path = job.file.path;
    outcome.collection = collection_name;
    outcome.seconds = finished->seconds;
    auto& document = finished->prepared.document;
    if (!document) {
      outcome.action = IngestAction::Failed;
      outcome.status = DocumentStatus::Unreadable;
      outcome.error = document.error().describe();
    } else {
      const FileFacts facts{job.file.path, job.file.size, job.file.mtime_ns, finished->prepared.sha256};
      auto saved = store.replace_document(collection_id, facts, *document, finished->prepared.chunks);
      outcome.status = document->status;
      if (saved) {
        outcome.action = job.action;
        outcome.error = document->error;
        outcome.pages = static_cast<int>(document->pages.size());
        outcome.chunks = static_cast<int64_t>(finished->prepared.chunks.size());
        report.pages_extracted += outcome.pages;
        report.chunks_written += outcome.chunks;
      } else if (saved.error().code() == ErrorCode::InvalidArgument) {
        // This document's data was refused (a bug upstream); the others can still be saved.
        outcome.action = IngestAction::Failed;
        outcome.error = saved.error().describe();
      } else {
        store_error = saved.error();
        outcome.action = IngestAction::Failed;
        outcome.error = saved.error().describe();
      }
    }
    if (outcome.action == IngestAction::Failed)
      pw::log::warn("library: {} could not be ingested: {}", outcome.path, outcome.error);
    done_bytes += std::max<int64_t>(job.file.size, 1);
    ++progress.done;
    progress.pages += outcome.pages;
    progress.chunks += outcome.chunks;
    if (options.on_document) options.on_document(outcome);
    report.documents.push_back(std::move(outcome));
    if (store_error) break;
    emit_progress(progress.done == progress.total, job.file.path);
  }
  run.stop();
  for (auto& w : workers) w.join();
  if (store_error) return *store_error;
  return ok_status();
}

}  // namespace pw::rag
