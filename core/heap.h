// Process-wide heap setting for training loops that allocate and free the same large buffers
// every step.
#pragma once

namespace immimic::core {

// Asks glibc's malloc to serve allocations of up to 1 GiB from the heap and to keep freed memory
// there instead of returning it to the system. By default blocks above a (dynamic) threshold of
// 128 KiB to 32 MiB are mmap-ed and munmap-ed each time, and the heap top is trimmed, so every
// training step page-faults its activation tensors (8 MiB each at the default sizes) back in:
// measured here at about a quarter of a default training step (docs/policy.md). The cost is that
// the process keeps its peak heap until it exits. Returns false where the setting is not
// available (a libc other than glibc) or was refused; harmless to call more than once.
bool RetainFreedMemory();

}  // namespace immimic::core
