#pragma once
// Internal to datasets/: RAII handles and checked helpers over HDF5's C API. Every HDF5 return
// code is checked; a failure throws ErrorType "<where>: <what> (<HDF5's innermost message>)".
// Write helpers throw core::Error (an I/O failure), read helpers core::InputError (a bad file).
// HDF5 is built without thread safety: use one reader or writer per thread at most, in total.

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/array.h"
#include "datasets/episode.h"

namespace immimic::datasets::internal {

// Turns off HDF5's printing of its error stack to stderr; errors become exceptions instead.
void SilenceHdf5Errors();

// HDF5's innermost error message, then clears the stack; "" if the stack is empty.
std::string TakeHdf5Message();

// "<where>/<name>", or "<where><name>" when `where` ends in ": " (the file's root).
std::string Join(const std::string& where, const std::string& name);

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { Close(); }
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  // Closes now; false if HDF5 failed (closing a file flushes it, so this can fail).
  bool Close();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Throws ErrorType "<where>: <what> (<hdf5 message>)" if id < 0, else owns it.
template <typename ErrorType>
Handle Own(hid_t id, Handle::Closer closer, const std::string& where, const std::string& what) {
  if (id < 0) throw ErrorType(where + ": " + what + " (" + TakeHdf5Message() + ")");
  return Handle(id, closer);
}

template <typename ErrorType>
void CheckStatus(herr_t status, const std::string& where, const std::string& what) {
  if (status < 0) throw ErrorType(where + ": " + what + " (" + TakeHdf5Message() + ")");
}

// --- writing (throws core::Error) ---
struct WriteOptions {
  int image_compression = 1;  // deflate level for uint8 arrays of rank 4; 0 stores them raw
};
Handle CreateFile(const std::string& path);
Handle CreateGroup(hid_t parent, const std::string& name, const std::string& where);
void WriteArray(hid_t parent, const std::string& name, const Array& array,
                const WriteOptions& options, const std::string& where);
// A fixed-length UTF-8 string (see the .cc for why not variable-length).
void WriteStringAttribute(hid_t object, const std::string& name, const std::string& value,
                          const std::string& where);
void WriteInt64Attribute(hid_t object, const std::string& name, int64_t value,
                         const std::string& where);
// As h5py writes a numpy bool: an int8 enum {FALSE = 0, TRUE = 1}.
void WriteBoolAttribute(hid_t object, const std::string& name, bool value,
                        const std::string& where);
// A 1-D dataset of fixed-length byte strings (numpy dtype S), as robomimic's masks are.
void WriteStringList(hid_t parent, const std::string& name, const std::vector<std::string>& items,
                     const std::string& where);

// --- reading (throws core::InputError) ---
Handle OpenFile(const std::string& path);
enum class ObjectKind { kGroup, kDataset, kOther };
// Names of a group's links, sorted by name.
std::vector<std::string> ListMembers(hid_t group, const std::string& where);
ObjectKind KindOf(hid_t parent, const std::string& name, const std::string& where);
Handle OpenGroup(hid_t parent, const std::string& name, const std::string& where);
Handle OpenDataset(hid_t parent, const std::string& name, const std::string& where);
std::vector<std::string> ListAttributes(hid_t object, const std::string& where);
bool HasAttribute(hid_t object, const std::string& name, const std::string& where);
// Accepts fixed- and variable-length strings (h5py writes a str as variable-length; HDF5 does
// not checksum those, so a corrupt one from another writer can still crash HDF5).
std::string ReadStringAttribute(hid_t object, const std::string& name, const std::string& where);
int64_t ReadInt64Attribute(hid_t object, const std::string& name, const std::string& where);
// Accepts h5py's bool enum or an integer 0/1.
bool ReadBoolAttribute(hid_t object, const std::string& name, const std::string& where);
// Float datasets read as float64; 1-byte unsigned integers as uint8; anything else throws.
ArraySpec InspectArray(hid_t dataset, const std::string& where);
Array ReadArray(hid_t dataset, const ArraySpec& spec, const std::string& where);
std::vector<std::string> ReadStringList(hid_t dataset, const std::string& where);

}  // namespace immimic::datasets::internal
