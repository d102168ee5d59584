// Unpacking of the packed 6-bit sub-block scales shared by the K-quant kernels.
// The bit positions are part of ggml's file format and must not change.
#include <cstring>

#include "engine/quant/k_quants.h"
#include "engine/quant/k_quants_internal.h"

namespace pw::quant {

void unpack_scales_mins_k4(const uint8_t packed[12], uint8_t scales[8], uint8_t mins[8]) {
  for (int j = 0; j < 4; ++j) {
    scales[j] = packed[j] & 63;
    mins[j] = packed[j + 4] & 63;
    // Sub-blocks 4..7: low nibbles in bytes 8..11, top two bits borrowed from bytes 0..7.
    scales[j + 4] = static_cast<uint8_t>((packed[j + 8] & 0x0F) | ((packed[j] >> 6) << 4));
    mins[j + 4] = static_cast<uint8_t>((packed[j + 8] >> 4) | ((packed[j + 4] >> 6) << 4));
  }
}

void unpack_scales_q3_K(const uint8_t packed[12], int8_t scales[16]) {
  for (int j = 0; j < 16; ++j) {
    // Low nibble: byte j (j < 8) or the high nibble of byte j-8; top two bits: byte 8 + j%4,
    // bit pair j/4.
    const int low = j < 8 ? (packed[j] & 0x0F) : (packed[j - 8] >> 4);
    const int high = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
    scales[j] = static_cast<int8_t>((low | (high << 4)) - 32);
  }
}

namespace detail {

void pack_scales_mins_k4(const uint8_t scales[8], const uint8_t mins[8], uint8_t packed[12]) {
  for (int j = 0; j < 4; ++j) {
    packed[j] = static_cast<uint8_t>((scales[j] & 63) | ((scales[j + 4] >> 4) << 6));
    packed[j + 4] = static_cast<uint8_t>((mins[j] & 63) | ((mins[j + 4] >> 4) << 6));
    packed[j + 8] = static_cast<uint8_t>((scales[j + 4] & 0x0F) | ((mins[j + 4] & 0x0F) << 4));
  }
}

void pack_scales_q3_K(const int8_t scales[16], uint8_t packed[12]) {
  std::memset(packed, 0, 12);
  for (int j = 0; j < 16; ++j) {
    const int biased = scales[j] + 32;  // 0..63
    if (j < 8) {
      packed[j] = static_cast<uint8_t>(packed[j] | (biased & 0x0F));
    } else {
      packed[j - 8] = static_cast<uint8_t>(packed[j - 8] | ((biased & 0x0F) << 4));
    }
    packed[8 + j % 4] = static_cast<uint8_t>(packed[8 + j % 4] | ((biased >> 4) << (2 * (j / 4))));
  }
}

}  // namespace detail
}  // namespace pw::quant
