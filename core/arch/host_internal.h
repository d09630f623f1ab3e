// zring/core/arch/host_internal.h — what the files of the host syscall
// layer (host.cc, host_sockets.cc, host_common.cc) share, and what its
// tests look at: the conversion tables, which on Linux must be the
// identity (so a wrong Linux value in one is caught here), and the switch
// that refuses Linux's own calls.
//
// No libc header here either: only the .cc files include them.
#pragma once

#include <cstddef>

namespace zring::core::arch::host {

#if defined(__linux__)
inline constexpr bool kLinux = true;
#else
inline constexpr bool kLinux = false;
#endif

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

// The host's errno as Linux's number (on Linux, one the table lacks is
// already Linux's; elsewhere it becomes EIO).
int LinuxErrno(int host_errno) noexcept;

// Whether calls that only Linux has go to the kernel: on Linux, unless
// ZRING_HOST_PORTABLE=1 is set or PretendNotLinux(true) was called;
// elsewhere never (they fail with ENOSYS).
bool LinuxOnlyCallsWork() noexcept;
// PretendNotLinux(): on Linux, makes the calls only Linux has fail with
// ENOSYS from now on, or work again; no effect elsewhere. For tests, in a
// forked child or undone before the next test.
void PretendNotLinux(bool on) noexcept;

// A failure in the raw contract: -errno, Linux's number.
inline long Fail(int linux_errno) noexcept { return -static_cast<long>(linux_errno); }
// A libc call's result in the raw contract: -1 with errno set is a failure.
long Ret(long r) noexcept;

// Converts the Linux bits of `linux_bits` that `pairs` names into the
// host's. Bits it does not name pass through on Linux and set `*unknown`
// elsewhere (the call then fails).
int ToHostBits(long linux_bits, const BitPair* pairs, std::size_t n, bool* unknown) noexcept;
// The host's bits back in Linux's values; bits no pair names pass through
// on Linux and are dropped elsewhere.
int ToLinuxBits(int host_bits, const BitPair* pairs, std::size_t n) noexcept;

// Sets O_NONBLOCK and FD_CLOEXEC on a new `fd` where the host could not
// take them as flags of the call that made it; on failure closes it and
// returns -errno.
long SetFdFlags(long fd, bool nonblock, bool cloexec) noexcept;

// The socket calls (host_sockets.cc), by syscall number.
long SocketCall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept;

// A raw argument as what it is.
template <class T>
T* Ptr(long v) noexcept {
  return reinterpret_cast<T*>(v);
}
inline int Int(long v) noexcept { return static_cast<int>(v); }
inline std::size_t Size(long v) noexcept { return static_cast<std::size_t>(v); }

}  // namespace zring::core::arch::host
