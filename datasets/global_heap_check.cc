#include "datasets/global_heap_check.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"

namespace immimic::datasets::internal {
namespace {

uint64_t LittleEndian(const uint8_t* p, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | p[i];
  return value;
}

// The object list of the collection starting at `start`, as HDF5's parser walks it: a 16-byte
// header, then objects of [index 2, references 2, reserved 4, size 8, data padded to 8]; object 0
// is the free space and its size counts from its own header. Every step must move forward and
// stay inside the collection. (Lengths are 8 bytes: the project's and h5py's default.)
bool CollectionIsSound(const std::vector<uint8_t>& bytes, size_t start) {
  if (start + 16 > bytes.size() || bytes[start + 4] != 1) return false;
  const uint64_t size = LittleEndian(&bytes[start + 8], 8);
  if (size < 16 + 16 || size > bytes.size() - start) return false;
  const size_t end = start + size;
  size_t p = start + 16;
  while (p < end) {
    if (p + 16 > end) return true;  // a tail too short for a header is free space
    const uint64_t index = LittleEndian(&bytes[p], 2);
    const uint64_t object_size = LittleEndian(&bytes[p + 8], 8);
    const uint64_t need = index > 0 ? 16 + ((object_size + 7) / 8) * 8 : object_size;
    if (need == 0 || object_size > size || need > end - p) return false;
    p += need;
  }
  return true;
}

}  // namespace

void CheckGlobalHeaps(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  IMMIMIC_THROW_UNLESS(file.good(), core::InputError, path, ": cannot open");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                   std::istreambuf_iterator<char>());
  for (size_t at = 0; at + 4 <= bytes.size(); ++at) {
    if (std::memcmp(&bytes[at], "GCOL", 4) != 0) continue;
    IMMIMIC_THROW_UNLESS(CollectionIsSound(bytes, at), core::InputError, path,
                         ": the global heap collection at byte ", at,
                         " (variable-length strings) is corrupt");
  }
}

}  // namespace immimic::datasets::internal
