#include "rag/library/file_walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace pw::rag {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 64;

// Document types a folder walk picks up. The first group is what ingest/ reads; the second is
// what users keep beside their PDFs and should hear about ("unsupported") rather than miss.
constexpr const char* kDocumentExtensions[] = {
    ".pdf", ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml",
    ".doc", ".docx", ".odt", ".rtf", ".epub", ".pages", ".ppt", ".pptx", ".odp", ".xls", ".xlsx", ".ods",
};

bool skipped_name(const std::string& name) {
  return name.empty() || name[0] == '.' || name.rfind("~$", 0) == 0;
}

std::string lowercase_extension(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return {};
  std::string ext = name.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + static_cast<int64_t>(st.st_mtim.tv_nsec);
}

Error errno_error(int err, const std::string& path, const std::string& what) {
  ErrorCode code = ErrorCode::Io;
  if (err == EACCES || err == EPERM) code = ErrorCode::PermissionDenied;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::NotFound;
  return Error(code, path, what + ": " + std::strerror(err));
}

class Walker {
 public:
  Walker(WalkResult& out, const std::atomic<bool>* cancel) : out_(out), cancel_(cancel) {}

  void folder(const std::string& path, int depth) {
    if (cancel_ && cancel_->load()) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      unreadable(path, errno, "cannot open the folder");
      return;
    }
    if (!visited_.insert({st.st_dev, st.st_ino}).second) return;  // a link loop or a second way in
    if (depth > kMaxDepth) {
      out_.problems.emplace_back(ErrorCode::ResourceLimit, path, "folders nested deeper than 64 levels are skipped");
      out_.unreadable_folders.push_back(path);
      return;
    }
    DIR* dir = ::opendir(path.c_str());
    if (!dir) {
      unreadable(path, errno, "cannot open the folder");
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == ".." || skipped_name(name)) continue;
      names.push_back(std::move(name));
    }
    const int read_error = errno;
    ::closedir(dir);
    if (read_error != 0) {
      unreadable(path, read_error, "cannot list the folder");
      return;
    }
    out_.folders.push_back(path);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (cancel_ && cancel_->load()) return;
      const std::string child = path == "/" ? "/" + name : path + "/" + name;
      struct stat cst {};
      if (::stat(child.c_str(), &cst) != 0) {
        if (errno == ENOENT) continue;  // a dangling link, or removed while we looked
        out_.problems.push_back(errno_error(errno, child, "cannot access"));
        continue;
      }
      if (S_ISDIR(cst.st_mode)) {
        folder(child, depth + 1);
      } else if (S_ISREG(cst.st_mode) && is_document_extension(lowercase_extension(name))) {
        out_.files.push_back(FoundFile{child, static_cast<int64_t>(cst.st_size), mtime_ns_of(cst)});
      }
    }
  }

 private:
  void unreadable(const std::string& path, int err, const std::string& what) {
    out_.problems.push_back(errno_error(err, path, what));
    out_.unreadable_folders.push_back(path);
  }

  WalkResult& out_;
  const std::atomic<bool>* cancel_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

std::string library_path_of(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) absolute = path;
  std::string s = absolute.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool path_is_under(const std::string& path, const std::string& folder) {
  if (path == folder) return true;
  if (folder == "/") return !path.empty() && path[0] == '/';
  return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 && path[folder.size()] == '/';
}

bool is_document_extension(const std::string& extension) {
  return std::any_of(std::begin(kDocumentExtensions), std::end(kDocumentExtensions),
                     [&](const char* e) { return extension == e; });
}

WalkResult walk_documents(const fs::path& root_path, const std::atomic<bool>* cancel) {
  WalkResult out;
  const std::string root = library_path_of(root_path);
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      out.root_missing = true;
      out.problems.emplace_back(ErrorCode::NotFound, root, "does not exist");
    } else {
      out.problems.push_back(errno_error(err, root, "cannot access"));
      out.unreadable_folders.push_back(root);
    }
    return out;
  }
  if (S_ISDIR(st.st_mode)) {
    out.root_is_folder = true;
    Walker(out, cancel).folder(root, 0);
  } else if (S_ISREG(st.st_mode)) {
    out.files.push_back(FoundFile{root, static_cast<int64_t>(st.st_size), mtime_ns_of(st)});
  } else {
    out.problems.emplace_back(ErrorCode::Unsupported, root, "is not a regular file or folder (a device, pipe or socket)");
  }
  std::sort(out.files.begin(), out.files.end(), [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
  out.files.erase(std::unique(out.files.begin(), out.files.end(),
                              [](const FoundFile& a, const FoundFile& b) { return a.path == b.path; }),
                  out.files.end());
  return out;
}

}  // namespace pw::rag
