// RowStream: the prefetch offset of a tile's row stream, against the plain definition (byte
// pos + distance of the stream row r, tile k -> row r, tile k+1 -> ...: tile j of the stream
// starts j * next_tile bytes after the current row's start).
#include "engine/quant/row_stream.h"

#include <gtest/gtest.h>

namespace {

size_t stream_offset_by_definition(size_t pos, size_t distance, size_t row_bytes, size_t next_tile) {
  const size_t at = pos + distance;
  return at / row_bytes * next_tile + at % row_bytes;
}

TEST(RowStream, MatchesTheDefinitionForEveryPositionOfARow) {
  for (size_t row_bytes : {18u, 144u, 210u, 1152u, 2176u, 4608u, 9216u}) {
    for (size_t rows_per_tile : {1u, 2u, 4u}) {
      for (size_t distance : {0u, 64u, 512u, 1151u, 1152u, 2048u, 4096u, 20000u}) {
        const size_t next_tile = rows_per_tile * row_bytes;
        const pw::quant::RowStream stream(distance, row_bytes, next_tile);
        for (size_t pos = 0; pos < row_bytes; ++pos)
          ASSERT_EQ(stream.offset(pos), stream_offset_by_definition(pos, distance, row_bytes, next_tile))
              << "row_bytes " << row_bytes << ", " << rows_per_tile << " rows per tile, distance " << distance
              << ", pos " << pos;
      }
    }
  }
}

TEST(RowStream, OneRowTilesAreOneLinearStream) {
  const pw::quant::RowStream stream(pw::quant::kStreamPrefetch, 1152, 1152);
  EXPECT_EQ(stream.offset(0), pw::quant::kStreamPrefetch);
  EXPECT_EQ(stream.offset(1000), 1000 + pw::quant::kStreamPrefetch);
}

}  // namespace
