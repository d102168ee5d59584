// Byte layouts of ggml's 32-value block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL).
//
//   const auto* blocks = static_cast<const pw::quant::BlockQ4_0*>(row);   // n / 32 blocks
//   float d = pw::fp16_to_fp32(blocks[0].d);
//   int v0  = (blocks[0].qs[0] & 0x0F) - 8;     // value 0 of the block
//   int v16 = (blocks[0].qs[0] >> 4) - 8;       // value 16 of the block
//
// What must not change: every field, its order and its size. These are the on-disk layouts of
// GGUF files (ggml-common.h), so any model from the hubs is read in place. All fields are
// byte-aligned (F16 scales are uint16_t at offset 0), so a block may sit at any 2-byte offset
// and kernels read them with unaligned loads.
//
// Conventions shared by all these formats (value index j in 0..31 within a block):
// - 4-bit formats store value j (j < 16) in the low nibble of qs[j] and value j + 16 in the
//   high nibble of qs[j].
// - 5-bit formats add bit 4 of value j as bit j of the little-endian uint32 `qh`.
// - Q8_1 (activations only) carries s = d * sum(qs) so Q4_1/Q5_1 dot products can add the
//   min term without touching the values again.
#pragma once

#include <cstdint>

namespace pw::quant {

inline constexpr int kLegacyBlock = 32;  // values per block, every format in this file

struct BlockQ4_0 {
  uint16_t d;        // F16 scale
  uint8_t qs[16];    // value = (nibble - 8) * d
};

struct BlockQ4_1 {
  uint16_t d;        // F16 scale
  uint16_t m;        // F16 minimum
  uint8_t qs[16];    // value = nibble * d + m
};

struct BlockQ5_0 {
  uint16_t d;        // F16 scale
  uint8_t qh[4];     // bit 4 of each value, little-endian uint32, bit j = value j
  uint8_t qs[16];    // value = ((nibble | bit4 << 4) - 16) * d
};

struct BlockQ5_1 {
  uint16_t d;        // F16 scale
  uint16_t m;        // F16 minimum
  uint8_t qh[4];
  uint8_t qs[16];    // value = (nibble | bit4 << 4) * d + m
};

struct BlockQ8_0 {
  uint16_t d;        // F16 scale
  int8_t qs[32];     // value = q * d
};

struct BlockQ8_1 {
  uint16_t d;        // F16 scale
  uint16_t s;        // F16 of d * sum(qs), computed from the F32 d before it is rounded
  int8_t qs[32];
};

struct BlockIq4Nl {
  uint16_t d;        // F16 scale
  uint8_t qs[16];    // value = kIq4NlValues[nibble] * d, nibbles placed like Q4_0
};

static_assert(sizeof(BlockQ4_0) == 18 && alignof(BlockQ4_0) == 2);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockIq4Nl) == 18);

// The 16 levels of IQ4_NL (ggml's kvalues_iq4nl), non-uniform so that the levels near zero,
// where most weights are, are closer together. Sorted ascending (the quantizer relies on it).
inline constexpr int8_t kIq4NlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

}  // namespace pw::quant
