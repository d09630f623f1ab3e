// zring/core/arch/host_internal.h — the conversion tables of the host
// syscall layer (host.cc), for its tests: on Linux every pair must be the
// identity, which is how a wrong Linux value in a table is caught here.
#pragma once

#include <cstddef>

namespace zring::core::arch::host {

// One errno: the host's number and Linux's.
struct ErrnoPair {
  int host;
  int linux_value;
};
// One flag: Linux's bits and the host's (0: the host has none, and the
// flag is dropped because it only asks for what the host does anyway).
struct BitPair {
  long linux_value;
  int host;
};

extern const ErrnoPair kErrnos[];
extern const std::size_t kErrnoCount;
extern const BitPair kOpenFlags[];
extern const std::size_t kOpenFlagCount;
extern const BitPair kMsgFlags[];
extern const std::size_t kMsgFlagCount;
extern const BitPair kPollEvents[];
extern const std::size_t kPollEventCount;

// PretendNotLinux(): on Linux, makes the calls only Linux has fail with
// ENOSYS from now on (as ZRING_HOST_PORTABLE=1 does from the start), or
// work again; no effect elsewhere. For tests, in a forked child.
void PretendNotLinux(bool on) noexcept;

// The host's errno as Linux's number (EIO for one the table lacks).
int LinuxErrno(int host_errno) noexcept;

}  // namespace zring::core::arch::host
