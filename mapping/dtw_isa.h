#pragma once
// Instruction set of the DTW kernels: frame distance tiles (frame_distance.cc) and the wavefront
// sweep (dtw.cc). All give the same bits (tests/mapping/dtw_test.cc); they differ in speed only.
// x86-64 builds have all three and use the widest the CPU runs; other targets (arm64) only
// kGeneric, which their compiler vectorises for their own registers.
//
// The environment variable IMMIMIC_DTW_ISA (native, avx512, avx2 or generic; unset: native) picks
// one for a whole process, read at the first DTW call: an unknown name, or one this CPU or build
// cannot run, makes that call throw core::InputError. Benchmarks and tests switch with UseDtwIsa.

#include <string>
#include <vector>

namespace immimic::mapping {

enum class DtwIsa { kGeneric, kAvx2, kAvx512 };

// "generic", "avx2", "avx512"
const char* DtwIsaName(DtwIsa isa);

// Also "native": the widest supported. Throws core::InputError for any other name.
DtwIsa ParseDtwIsa(const std::string& name);

// Those this build and CPU run, narrowest first.
std::vector<DtwIsa> SupportedDtwIsas();

// The set later DTW calls use: the last UseDtwIsa, else IMMIMIC_DTW_ISA.
DtwIsa ActiveDtwIsa();

// Switches every later DTW call of this process (not one running meanwhile). Throws
// core::InputError when the set is not supported.
void UseDtwIsa(DtwIsa isa);

}  // namespace immimic::mapping
