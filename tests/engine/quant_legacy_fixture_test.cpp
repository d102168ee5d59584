// Quantizing the F32 weights of the tiny-llama fixture with our reference quantizers must give
// the bytes llama-quantize wrote into tiny-llama-{F16,Q8_0,Q4_0,Q4_1,Q5_0,Q5_1}.gguf
// (fixtures/README.md: made with --pure, no importance matrix).
//
// The GGUF files are located with a minimal reader local to this test (just enough to find
// tensor bytes in well-formed fixtures), so this test depends on nothing but the kernels.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "quant_legacy_test_helpers.h"
#include "support/test_support.h"

namespace pw::quant::testing {
namespace {

struct TensorRef {
  uint32_t type = 0;
  uint64_t elements = 1;
  uint64_t offset = 0;  // from the start of the file
};

class MiniGguf {
 public:
  explicit MiniGguf(const std::string& relative) : bytes_(pw::test::read_file(pw::test::shared_path(relative))) {
    parse();
  }
  bool ok() const { return ok_; }
  const std::map<std::string, TensorRef>& tensors() const { return tensors_; }
  const uint8_t* data(const TensorRef& t, uint64_t size) const {
    if (t.offset > bytes_.size() || size > bytes_.size() - t.offset) return nullptr;
    return bytes_.data() + t.offset;
  }

 private:
  template <typename T>
  T get() {
    T v{};
    if (!ok_ || sizeof(T) > bytes_.size() - pos_) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    const auto len = get<uint64_t>();
    if (!ok_ || len > bytes_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }
  void skip_value(uint32_t type, uint32_t& alignment, bool is_alignment_key) {
    static const size_t kSizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    if (type == 8) {
      str();
    } else if (type == 9) {
      const auto elem = get<uint32_t>();
      const auto count = get<uint64_t>();
      for (uint64_t i = 0; i < count && ok_; ++i) skip_value(elem, alignment, false);
    } else if (type < 13) {
      if (is_alignment_key && type == 4) {
        alignment = get<uint32_t>();
        return;
      }
      if (kSizes[type] > bytes_.size() - pos_) ok_ = false; else pos_ += kSizes[type];
    } else {
      ok_ = false;
    }
  }
  void parse() {
    ok_ = get<uint32_t>() == 0x46554747u && get<uint32_t>() == 3u;
    const auto n_tensors = get<uint64_t>();
    const auto n_kv = get<uint64_t>();
    uint32_t alignment = 32;
    for (uint64_t i = 0; i < n_kv && ok_; ++i) {
      const std::string key = str();
      skip_value(get<uint32_t>(), alignment, key == "general.alignment");
    }
    std::vector<std::pair<std::string, TensorRef>> infos;
    for (uint64_t i = 0; i < n_tensors && ok_; ++i) {
      std::string name = str();
      TensorRef t;
      const auto dims = get<uint32_t>();
      if (dims > 4) ok_ = false;  // ggml tensors have at most 4 dimensions
      for (uint32_t d = 0; d < dims && ok_; ++d) t.elements *= get<uint64_t>();
      t.type = get<uint32_t>();
      t.offset = get<uint64_t>();
      infos.emplace_back(std::move(name), t);
    }
    if (!ok_ || alignment == 0) {
      ok_ = false;
      return;
    }
    const uint64_t data_start = (pos_ + alignment - 1) / alignment * alignment;
    for (auto& [name, t] : infos) {
      t.offset += data_start;
      tensors_[name] = t;
    }
  }

  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::map<std::string, TensorRef> tensors_;
};

class QuantizerMatchesLlamaQuantize : public ::testing::TestWithParam<GgmlType> {};

TEST_P(QuantizerMatchesLlamaQuantize, EveryBlockOfEveryTensor) {
  const GgmlType type = GetParam();
  std::string name(type_name(type));
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const MiniGguf f32("fixtures/models/tiny-llama-F32.gguf");
  const MiniGguf quantized("fixtures/models/tiny-llama-" + name + ".gguf");
  ASSERT_TRUE(f32.ok());
  ASSERT_TRUE(quantized.ok()) << name;
  const TypeKernels* k = kernels_for(type);
  ASSERT_NE(k, nullptr);
  int tensors = 0;
  for (const auto& [tensor_name, t] : quantized.tensors()) {
    if (t.type == static_cast<uint32_t>(GgmlType::F32)) continue;  // norms stay F32
    ASSERT_EQ(t.type, static_cast<uint32_t>(type)) << tensor_name << ": --pure file has one type";
    const auto src_it = f32.tensors().find(tensor_name);
    ASSERT_NE(src_it, f32.tensors().end()) << tensor_name;
    const TensorRef& src = src_it->second;
    ASSERT_EQ(src.type, 0u);
    ASSERT_EQ(src.elements, t.elements) << tensor_name;
    const size_t bytes = row_bytes(type, static_cast<int64_t>(t.elements));
    const auto* want = quantized.data(t, bytes);
    const auto* x = f32.data(src, t.elements * 4);
    ASSERT_TRUE(want && x) << tensor_name;
    std::vector<float> values(t.elements);
    std::memcpy(values.data(), x, t.elements * 4);
    std::vector<uint8_t> got(bytes);
    k->quantize_row_reference(values.data(), got.data(), static_cast<int64_t>(t.elements));
    const size_t block_bytes = type_info(type).type_size;
    size_t differing = 0;
    for (size_t b = 0; b < bytes; b += block_bytes) differing += std::memcmp(&got[b], want + b, block_bytes) != 0;
    EXPECT_EQ(differing, 0u) << tensor_name << " of " << bytes / block_bytes << " blocks";
    ++tensors;
  }
  EXPECT_EQ(tensors, 16) << "2 layers x 7 matrices + token_embd + output";
}

INSTANTIATE_TEST_SUITE_P(TinyLlama, QuantizerMatchesLlamaQuantize,
                         ::testing::Values(GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1,
                                           GgmlType::Q5_0, GgmlType::Q5_1),
                         [](const ::testing::TestParamInfo<GgmlType>& info) {
                           return std::string(type_name(info.param));
                         });

}  // namespace
}  // namespace pw::quant::testing
