#include "datasets/hdf5_io.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "core/error.h"
#include "datasets/global_heap_check.h"

namespace immimic::datasets::internal {
namespace {

// The file whose global heaps were checked since it was last opened (CheckGlobalHeapsOnce).
thread_local std::string g_heaps_checked;

using core::Error;
using core::InputError;

herr_t TakeInnermost(unsigned n, const H5E_error2_t* error, void* out) {
  // walking upward, entry 0 is the most specific one
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
  return 0;
}

herr_t CollectAttributeName(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

// Object creation list without modification times, so equal inputs give byte-identical files.
Handle UntimedCreationList(hid_t list_class, const std::string& where) {
  Handle list = Own<Error>(H5Pcreate(list_class), H5Pclose, where, "cannot create property list");
  CheckStatus<Error>(H5Pset_obj_track_times(list.get(), false), where,
                     "cannot turn off time tracking");
  return list;
}

template <typename ErrorType>
Handle FixedStringType(size_t size, const std::string& where) {
  Handle type = Own<ErrorType>(H5Tcopy(H5T_C_S1), H5Tclose, where, "cannot create string type");
  CheckStatus<ErrorType>(H5Tset_size(type.get(), size), where, "cannot size string type");
  CheckStatus<ErrorType>(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), where,
                         "cannot set string padding");
  return type;
}

Handle CreateAttribute(hid_t object, const std::string& name, hid_t type,
                       const std::string& where) {
  Handle space = Own<Error>(H5Screate(H5S_SCALAR), H5Sclose, where, "cannot create dataspace");
  return Own<Error>(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, where, "cannot create attribute " + name);
}

// Opens attribute `name`, which must hold exactly one value of HDF5 class `type_class`.
Handle OpenSingleAttribute(hid_t object, const std::string& name, H5T_class_t type_class,
                           const char* expected, const std::string& where, Handle* type) {
  IMMIMIC_THROW_UNLESS(HasAttribute(object, name, where), InputError, where, ": missing attribute ",
                       name);
  Handle attribute = Own<InputError>(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, where,
                                     "cannot open attribute " + name);
  *type = Own<InputError>(H5Aget_type(attribute.get()), H5Tclose, where,
                          "cannot read the type of attribute " + name);
  IMMIMIC_THROW_UNLESS(H5Tget_class(type->get()) == type_class, InputError, where, ": attribute ",
                       name, " is not ", expected);
  Handle space = Own<InputError>(H5Aget_space(attribute.get()), H5Sclose, where,
                                 "cannot read the shape of attribute " + name);
  IMMIMIC_THROW_UNLESS(H5Sget_simple_extent_npoints(space.get()) == 1, InputError, where,
                       ": attribute ", name, " must hold a single value");
  return attribute;
}

}  // namespace

std::string Join(const std::string& where, const std::string& name) {
  const bool root = where.size() >= 2 && where.compare(where.size() - 2, 2, ": ") == 0;
  return where + (root ? "" : "/") + name;
}

void SilenceHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string TakeHdf5Message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, TakeInnermost, &message);
  H5Eclear2(H5E_DEFAULT);
  // HDF5's I/O messages span lines; errors are printed as one line
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message.empty() ? "no detail from HDF5" : message;
}

Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Close();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = -1;
  }
  return *this;
}

bool Handle::Close() {
  if (id_ < 0) return true;
  const herr_t status = closer_(id_);
  id_ = -1;
  return status >= 0;
}

// --- writing ---

Handle CreateFile(const std::string& path) {
  SilenceHdf5Errors();
  Handle access = Own<Error>(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "cannot create file");
  // 1.10 format: checksums on all metadata (chunk indexes included), so corruption is caught
  // rather than followed; dense storage for attributes over 64 KiB (a long MJCF). h5py built
  // on HDF5 1.10 or later (any h5py wheel since 2.10) reads it.
  CheckStatus<Error>(H5Pset_libver_bounds(access.get(), H5F_LIBVER_V110, H5F_LIBVER_V110), path,
                     "cannot set the file format");
  // strong close: closing the file closes everything in it, so the temporary can be removed
  CheckStatus<Error>(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), path,
                     "cannot set the close degree");
  // the root group is created from the file creation list: no times there either
  Handle creation = UntimedCreationList(H5P_FILE_CREATE, path);
  return Own<Error>(H5Fcreate(path.c_str(), H5F_ACC_EXCL, creation.get(), access.get()), H5Fclose,
                    path, "cannot create file");
}

Handle CreateGroup(hid_t parent, const std::string& name, const std::string& where) {
  Handle creation = UntimedCreationList(H5P_GROUP_CREATE, where);
  return Own<Error>(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                    H5Gclose, where, "cannot create group " + name);
}

void WriteArray(hid_t parent, const std::string& name, const Array& array,
                const WriteOptions& options, const std::string& where) {
  const std::string here = Join(where, name);
  const std::vector<hsize_t> dims(array.shape().begin(), array.shape().end());
  Handle space = Own<Error>(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                            H5Sclose, here, "cannot create dataspace");
  Handle creation = UntimedCreationList(H5P_DATASET_CREATE, here);
  CheckStatus<Error>(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER), here,
                     "cannot set fill time");
  const bool is_double = array.type() == ElementType::kFloat64;
  const bool is_image = !is_double && dims.size() == 4 && array.num_elements() > 0;
  if (is_image && options.image_compression > 0) {
    // one chunk per frame: a loader reading frame t decompresses only that frame
    const std::vector<hsize_t> chunk = {1, dims[1], dims[2], dims[3]};
    CheckStatus<Error>(H5Pset_chunk(creation.get(), 4, chunk.data()), here, "cannot set chunks");
    CheckStatus<Error>(H5Pset_deflate(creation.get(), static_cast<unsigned>(
                                                          std::min(options.image_compression, 9))),
                       here, "cannot set compression");
  }
  const hid_t file_type = is_double ? H5T_IEEE_F64LE : H5T_STD_U8LE;
  const hid_t memory_type = is_double ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT8;
  Handle dataset = Own<Error>(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                         creation.get(), H5P_DEFAULT),
                              H5Dclose, here, "cannot create dataset");
  if (array.num_elements() == 0) return;
  const void* data = is_double ? static_cast<const void*>(array.doubles().data())
                               : static_cast<const void*>(array.bytes().data());
  CheckStatus<Error>(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                     here, "cannot write dataset");
}

void WriteStringAttribute(hid_t object, const std::string& name, const std::string& value,
                          const std::string& where) {
  // fixed-length, not variable-length as h5py writes a str: variable-length strings live in
  // HDF5's global heap, which has no checksum, and a corrupt one crashes or hangs HDF5 1.10.
  // h5py reads these as bytes (json.loads takes bytes, as robomimic uses env_args).
  Handle type = FixedStringType<Error>(std::max<size_t>(value.size(), 1), where);
  CheckStatus<Error>(H5Tset_cset(type.get(), H5T_CSET_UTF8), where, "cannot set string encoding");
  Handle attribute = CreateAttribute(object, name, type.get(), where);
  std::string padded = value;
  padded.resize(std::max<size_t>(value.size(), 1), '\0');
  CheckStatus<Error>(H5Awrite(attribute.get(), type.get(), padded.data()), where,
                     "cannot write attribute " + name);
}

void WriteInt64Attribute(hid_t object, const std::string& name, int64_t value,
                         const std::string& where) {
  Handle attribute = CreateAttribute(object, name, H5T_STD_I64LE, where);
  CheckStatus<Error>(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value), where,
                     "cannot write attribute " + name);
}

void WriteBoolAttribute(hid_t object, const std::string& name, bool value,
                        const std::string& where) {
  Handle type =
      Own<Error>(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose, where, "cannot create bool type");
  const int8_t false_value = 0;
  const int8_t true_value = 1;
  CheckStatus<Error>(H5Tenum_insert(type.get(), "FALSE", &false_value), where, "bool type");
  CheckStatus<Error>(H5Tenum_insert(type.get(), "TRUE", &true_value), where, "bool type");
  Handle attribute = CreateAttribute(object, name, type.get(), where);
  const int8_t stored = value ? 1 : 0;
  CheckStatus<Error>(H5Awrite(attribute.get(), type.get(), &stored), where,
                     "cannot write attribute " + name);
}

void WriteStringList(hid_t parent, const std::string& name, const std::vector<std::string>& items,
                     const std::string& where) {
  const std::string here = Join(where, name);
  size_t width = 1;  // HDF5 has no zero-length fixed strings
  for (const std::string& item : items) width = std::max(width, item.size());
  std::vector<char> packed(items.size() * width, '\0');
  for (size_t i = 0; i < items.size(); ++i) {
    std::memcpy(packed.data() + i * width, items[i].data(), items[i].size());
  }
  Handle type = FixedStringType<Error>(width, here);
  const hsize_t count = items.size();
  Handle space =
      Own<Error>(H5Screate_simple(1, &count, nullptr), H5Sclose, here, "cannot create dataspace");
  Handle creation = UntimedCreationList(H5P_DATASET_CREATE, here);
  Handle dataset = Own<Error>(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                         creation.get(), H5P_DEFAULT),
                              H5Dclose, here, "cannot create dataset");
  if (items.empty()) return;
  CheckStatus<Error>(
      H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), here,
      "cannot write dataset");
}

// --- reading ---

Handle OpenFile(const std::string& path) {
  SilenceHdf5Errors();
  g_heaps_checked.clear();  // the file may have changed since a check
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  CheckStatus<InputError>(is_hdf5 < 0 ? -1 : 0, path, "cannot read the file");
  IMMIMIC_THROW_UNLESS(is_hdf5 > 0, InputError, path, ": not an HDF5 file");
  Handle access =
      Own<InputError>(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "cannot open the file");
  CheckStatus<InputError>(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), path,
                          "cannot set the close degree");
  // HDF5 refuses truncated files here ("truncated file: eof = ...")
  return Own<InputError>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get()), H5Fclose, path,
                         "cannot open as HDF5, truncated or corrupt?");
}

std::vector<std::string> ListMembers(hid_t group, const std::string& where) {
  H5G_info_t info;
  CheckStatus<InputError>(H5Gget_info(group, &info), where, "cannot list the group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    CheckStatus<InputError>(size < 0 ? -1 : 0, where, "cannot read a member's name");
    std::string name(static_cast<size_t>(size) + 1, '\0');
    CheckStatus<InputError>(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                               name.data(), name.size(), H5P_DEFAULT) < 0
                                ? -1
                                : 0,
                            where, "cannot read a member's name");
    name.resize(static_cast<size_t>(size));
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

ObjectKind KindOf(hid_t parent, const std::string& name, const std::string& where) {
  Handle object = Own<InputError>(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose,
                                  Join(where, name), "cannot open");
  switch (H5Iget_type(object.get())) {
    case H5I_GROUP:
      return ObjectKind::kGroup;
    case H5I_DATASET:
      return ObjectKind::kDataset;
    default:
      return ObjectKind::kOther;
  }
}

// Throws InputError "<where>/<name>: <missing>" or ": <wrong kind>" unless the child exists
// and is of the expected kind.
static void RequireChild(hid_t parent, const std::string& name, const std::string& where,
                         ObjectKind kind, const char* missing, const char* wrong_kind) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  IMMIMIC_THROW_UNLESS(exists > 0, InputError, Join(where, name), missing);
  IMMIMIC_THROW_UNLESS(KindOf(parent, name, where) == kind, InputError, Join(where, name),
                       wrong_kind);
}

Handle OpenGroup(hid_t parent, const std::string& name, const std::string& where) {
  RequireChild(parent, name, where, ObjectKind::kGroup, ": missing group", ": not a group");
  return Own<InputError>(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, Join(where, name),
                         "cannot open group");
}

Handle OpenDataset(hid_t parent, const std::string& name, const std::string& where) {
  RequireChild(parent, name, where, ObjectKind::kDataset, ": missing", ": not a dataset");
  return Own<InputError>(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, Join(where, name),
                         "cannot open dataset");
}

std::vector<std::string> ListAttributes(hid_t object, const std::string& where) {
  std::vector<std::string> names;
  hsize_t index = 0;
  CheckStatus<InputError>(
      H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, CollectAttributeName, &names), where,
      "cannot list attributes");
  return names;
}

bool HasAttribute(hid_t object, const std::string& name, const std::string& where) {
  const htri_t exists = H5Aexists(object, name.c_str());
  CheckStatus<InputError>(exists < 0 ? -1 : 0, where, "cannot look up attribute " + name);
  return exists > 0;
}

namespace {
// Before HDF5 reads a variable-length value of a file: its global heaps are checked once per
// opening of the file (global_heap_check.h); OpenFile forgets the last check.
void CheckGlobalHeapsOnce(hid_t object, const std::string& where) {
  const ssize_t size = H5Fget_name(object, nullptr, 0);
  CheckStatus<InputError>(size < 0 ? -1 : 0, where, "cannot get the file's name");
  std::string path(static_cast<size_t>(size), '\0');
  H5Fget_name(object, path.data(), path.size() + 1);
  if (path == g_heaps_checked) return;
  CheckGlobalHeaps(path);
  g_heaps_checked = path;
}
// The in-memory type for reading variable-length strings stored with `file_type`'s character set.
Handle VariableStringType(hid_t file_type, const std::string& where, const std::string& what) {
  Handle memory_type = Own<InputError>(H5Tcopy(H5T_C_S1), H5Tclose, where, what);
  CheckStatus<InputError>(H5Tset_size(memory_type.get(), H5T_VARIABLE), where, what);
  CheckStatus<InputError>(H5Tset_cset(memory_type.get(), H5Tget_cset(file_type)), where, what);
  return memory_type;
}
}  // namespace

std::string ReadStringAttribute(hid_t object, const std::string& name, const std::string& where) {
  Handle type;
  Handle attribute = OpenSingleAttribute(object, name, H5T_STRING, "a string", where, &type);
  const std::string what = "cannot read attribute " + name;
  const htri_t variable = H5Tis_variable_str(type.get());
  CheckStatus<InputError>(variable < 0 ? -1 : 0, where, what);
  if (variable > 0) {
    CheckGlobalHeapsOnce(object, where);
    Handle memory_type = VariableStringType(type.get(), where, what);
    char* text = nullptr;
    CheckStatus<InputError>(H5Aread(attribute.get(), memory_type.get(), &text), where, what);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  const size_t size = H5Tget_size(type.get());
  CheckStatus<InputError>(size == 0 ? -1 : 0, where, what);
  Handle memory_type = FixedStringType<InputError>(size, where);
  // HDF5 converts no string between encodings: read in the file's
  CheckStatus<InputError>(H5Tset_cset(memory_type.get(), H5Tget_cset(type.get())), where, what);
  std::string value(size, '\0');
  CheckStatus<InputError>(H5Aread(attribute.get(), memory_type.get(), value.data()), where, what);
  return value.substr(0, value.find('\0'));
}

int64_t ReadInt64Attribute(hid_t object, const std::string& name, const std::string& where) {
  Handle type;
  Handle attribute = OpenSingleAttribute(object, name, H5T_INTEGER, "an integer", where, &type);
  int64_t value = 0;
  CheckStatus<InputError>(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), where,
                          "cannot read attribute " + name);
  return value;
}

bool ReadBoolAttribute(hid_t object, const std::string& name, const std::string& where) {
  IMMIMIC_THROW_UNLESS(HasAttribute(object, name, where), InputError, where, ": missing attribute ",
                       name);
  Handle attribute = Own<InputError>(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, where,
                                     "cannot open attribute " + name);
  Handle type = Own<InputError>(H5Aget_type(attribute.get()), H5Tclose, where,
                                "cannot read the type of attribute " + name);
  if (H5Tget_class(type.get()) == H5T_ENUM) {
    Handle enum_type;
    attribute = OpenSingleAttribute(object, name, H5T_ENUM, "a bool", where, &enum_type);
    IMMIMIC_THROW_UNLESS(H5Tget_size(enum_type.get()) <= 8, InputError, where, ": attribute ", name,
                         " is not a bool");
    // read in the file's own type (no conversion), then ask the enum for the value's name
    unsigned char raw[8] = {0};
    char label[16] = {0};
    CheckStatus<InputError>(H5Aread(attribute.get(), enum_type.get(), raw), where,
                            "cannot read attribute " + name);
    CheckStatus<InputError>(H5Tenum_nameof(enum_type.get(), raw, label, sizeof(label)), where,
                            "attribute " + name + " is not a bool");
    const std::string text = label;
    IMMIMIC_THROW_UNLESS(text == "TRUE" || text == "FALSE", InputError, where, ": attribute ", name,
                         " is not a bool (", text, ")");
    return text == "TRUE";
  }
  const int64_t value = ReadInt64Attribute(object, name, where);
  IMMIMIC_THROW_UNLESS(value == 0 || value == 1, InputError, where, ": attribute ", name,
                       " is not a bool (", value, ")");
  return value == 1;
}

ArraySpec InspectArray(hid_t dataset, const std::string& where) {
  Handle type = Own<InputError>(H5Dget_type(dataset), H5Tclose, where, "cannot read the type");
  ArraySpec spec;
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class == H5T_FLOAT) {
    spec.type = ElementType::kFloat64;
  } else if (type_class == H5T_INTEGER && H5Tget_size(type.get()) == 1 &&
             H5Tget_sign(type.get()) == H5T_SGN_NONE) {
    spec.type = ElementType::kUint8;
  } else {
    throw InputError(where + ": unsupported element type (expected float or uint8)");
  }
  Handle space = Own<InputError>(H5Dget_space(dataset), H5Sclose, where, "cannot read the shape");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  CheckStatus<InputError>(rank, where, "cannot read the shape");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  CheckStatus<InputError>(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), where,
                          "cannot read the shape");
  spec.shape.assign(dims.begin(), dims.end());
  return spec;
}

Array ReadArray(hid_t dataset, const ArraySpec& spec, const std::string& where) {
  size_t count = 1;
  for (size_t dim : spec.shape) {
    IMMIMIC_THROW_UNLESS(dim == 0 || count <= std::numeric_limits<size_t>::max() / 16 / dim,
                         InputError, where, ": shape ", ShapeString(spec.shape), " is too large");
    count *= dim;
  }
  try {
    const std::string what = "cannot read the data (corrupt file?)";
    if (spec.type == ElementType::kFloat64) {
      std::vector<double> values(count);
      if (count > 0) {
        CheckStatus<InputError>(
            H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            where, what);
      }
      return Array::Float64(spec.shape, std::move(values));
    }
    std::vector<uint8_t> values(count);
    if (count > 0) {
      CheckStatus<InputError>(
          H5Dread(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), where,
          what);
    }
    return Array::Uint8(spec.shape, std::move(values));
  } catch (const std::bad_alloc&) {
    throw InputError(where + ": shape " + ShapeString(spec.shape) + " does not fit in memory");
  }
}

std::vector<std::string> ReadStringList(hid_t dataset, const std::string& where) {
  const std::string what = "cannot read a list of strings";
  Handle type = Own<InputError>(H5Dget_type(dataset), H5Tclose, where, what);
  IMMIMIC_THROW_UNLESS(H5Tget_class(type.get()) == H5T_STRING, InputError, where,
                       ": expected strings");
  Handle space = Own<InputError>(H5Dget_space(dataset), H5Sclose, where, what);
  IMMIMIC_THROW_UNLESS(H5Sget_simple_extent_ndims(space.get()) == 1, InputError, where,
                       ": expected a 1-D list of strings");
  hsize_t count = 0;
  CheckStatus<InputError>(H5Sget_simple_extent_dims(space.get(), &count, nullptr), where, what);
  std::vector<std::string> items;
  if (count == 0) return items;
  const htri_t variable = H5Tis_variable_str(type.get());
  CheckStatus<InputError>(variable < 0 ? -1 : 0, where, what);
  if (variable > 0) {
    CheckGlobalHeapsOnce(dataset, where);
    Handle memory_type = VariableStringType(type.get(), where, what);
    std::vector<char*> texts(count, nullptr);
    CheckStatus<InputError>(
        H5Dread(dataset, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), where,
        what);
    for (char* text : texts) items.push_back(text != nullptr ? text : "");
    H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, texts.data());
    return items;
  }
  const size_t width = H5Tget_size(type.get());
  CheckStatus<InputError>(width == 0 ? -1 : 0, where, what);
  Handle memory_type = FixedStringType<InputError>(width, where);
  CheckStatus<InputError>(H5Tset_cset(memory_type.get(), H5Tget_cset(type.get())), where, what);
  std::vector<char> packed(count * width, '\0');
  CheckStatus<InputError>(
      H5Dread(dataset, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), where,
      what);
  for (hsize_t i = 0; i < count; ++i) {
    const std::string item(packed.data() + i * width, width);
    items.push_back(item.substr(0, item.find('\0')));
  }
  return items;
}

}  // namespace immimic::datasets::internal
