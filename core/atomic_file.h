#pragma once
// Atomic file output: write to a temporary file beside the target, then rename, so an
// interrupted run never leaves a half-written file under the final name.

#include <string>
#include <string_view>

namespace immimic::core {

// Writes `bytes` to `path` atomically; creates parent folders. Throws core::Error on failure.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

// A unique temporary path next to `path` (same folder, so rename is atomic).
std::string TemporaryPathFor(const std::string& path);

// Renames `from` onto `to`, replacing it atomically. Throws core::Error on failure.
void CommitTemporary(const std::string& from, const std::string& to);

std::string ReadFile(const std::string& path);

}  // namespace immimic::core
