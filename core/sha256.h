#pragma once
// SHA-256 (FIPS 180-4), for content hashes: the suite's cache keys, manifests of exported
// bundles, golden checks of files and weights. Written here so the core library needs no crypto
// dependency; tested against the standard's vectors.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace immimic::core {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  void Update(const std::string& text) { Update(text.data(), text.size()); }
  // The digest as 64 lower-case hex digits. The object is spent afterwards.
  std::string HexDigest();

 private:
  void Block(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

std::string Sha256Hex(const std::string& data);
// Throws core::InputError if the file cannot be read.
std::string Sha256OfFile(const std::string& path);

}  // namespace immimic::core
