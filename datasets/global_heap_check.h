#pragma once
// Internal to datasets/: a check of a file's HDF5 global heap collections, where variable-length
// strings live (h5py writes every str that way; this project's writer never does). HDF5 1.10
// trusts the object sizes in a collection: an object 0 of size 0 makes its parser loop forever,
// and other sizes walk it out of the collection (found by fuzzing, tests/fuzz/). Run before the
// first variable-length read of a file.
#include <string>

namespace immimic::datasets::internal {

// Throws core::InputError naming the file and the offset of the first collection ("GCOL") whose
// header or object list is inconsistent. Reads the whole file once.
void CheckGlobalHeaps(const std::string& path);

}  // namespace immimic::datasets::internal
