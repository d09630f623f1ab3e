// zring/ring/abi.h — the io_uring kernel ABI, written out by zring.
//
// Everything the ring layer exchanges with the kernel through
// io_uring_setup(2), io_uring_enter(2), io_uring_register(2) and the shared
// mmaps: the entry and argument structs, the opcode numbers and every flag.
// zring defines them itself instead of including <linux/io_uring.h> because
// the installed uapi headers (linux-libc-dev 6.1 on Debian bookworm) are
// years older than the kernels we run on (6.18), and because a library built
// with Bazel must not change meaning with whatever headers a host happens to
// carry. The kernel never renumbers anything, so a value written down once
// stays right; what the running kernel supports is a separate question that
// is answered at run time by params.features and IORING_REGISTER_PROBE.
//
// Every value the 6.1 header knows is compared against it, and every struct
// layout against the kernel's, in tests/ring/abi_test.cc. Values newer than
// 6.1 are pinned there too; they were checked against the kernel's
// include/uapi/linux/io_uring.h and, where a running 6.18 kernel could tell
// (probe, query, flags it accepts or rejects), against that kernel.
//
// Example:
//
//   abi::Sqe* sqe = ...;                       // a slot in the mmapped SQ
//   sqe->opcode = static_cast<uint8_t>(abi::Op::kRecv);
//   sqe->flags = abi::kSqeBufferSelect;
//   sqe->ioprio = abi::kRecvMultishot;         // recv flags live in ioprio
//   sqe->buf_group = 7;
//
// Naming: types are CamelCase (`io_uring_sqe` -> `Sqe`); struct fields keep
// the kernel's lower_snake names so that kernel documentation reads directly
// onto them; a macro `IORING_FOO_BAR` becomes `kFooBar`, `IOSQE_FOO` becomes
// `kSqeFoo`, and enumerators of `IORING_OP_*` become `Op::kFoo`. The kernel's
// `__padN` fields are spelled `padN`: names with a double underscore are
// reserved in C++.
//
// Only <cstdint> and <cstddef> are included: this header is part of the
// freestanding base that core/ and ring/ build on.

#ifndef ZRING_RING_ABI_H_
#define ZRING_RING_ABI_H_

#include <cstddef>
#include <cstdint>

namespace zring::ring::abi {

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

// KernelTimespec (struct __kernel_timespec)
//
// The 64-bit timespec every io_uring interface takes, on 32-bit hosts too,
// which is why it is not `struct timespec`.
struct KernelTimespec {
  int64_t tv_sec;
  long long tv_nsec;
};
static_assert(sizeof(KernelTimespec) == 16,
              "KernelTimespec must be two 64-bit words on every arch");

// ---------------------------------------------------------------------------
// Submission queue entry
// ---------------------------------------------------------------------------

// Sqe (struct io_uring_sqe)
//
// One 64-byte submission. Which of the aliased fields an opcode reads is the
// opcode's business (see ring/prep.h); the unions exist so that each prep
// function can say what it means (`sqe->file_index`, not `sqe->splice_fd_in`)
// while the bytes stay where the kernel expects them.
//
// With kSetupSqe128 each slot is 128 bytes: `cmd` starts the 80-byte command
// area of IORING_OP_URING_CMD, which runs on into the second half of the slot.
// `cmd` is a zero-length array (a GNU extension that GCC and Clang accept) so
// that it marks that position without claiming a size.
struct Sqe {
  uint8_t opcode;   // an Op
  uint8_t flags;    // kSqe* bits
  uint16_t ioprio;  // I/O priority, or per-opcode flags (recv/send, accept)
  int32_t fd;
  union {
    uint64_t off;  // file offset
    uint64_t addr2;
    struct {
      uint32_t cmd_op;  // IORING_OP_URING_CMD: the driver's command
      uint32_t pad1;
    };
  };
  union {
    uint64_t addr;  // buffer or iovec array
    uint64_t splice_off_in;
    struct {
      uint32_t level;  // socket option commands
      uint32_t optname;
    };
  };
  uint32_t len;  // bytes, or number of iovecs
  // The per-opcode flag word. `op_flags` is zring's neutral name for it, used
  // where the code does not care which opcode it fills.
  union {
    uint32_t op_flags;
    uint32_t rw_flags;
    uint32_t fsync_flags;
    uint16_t poll_events;  // old 16-bit form; use poll32_events
    uint32_t poll32_events;
    uint32_t sync_range_flags;
    uint32_t msg_flags;
    uint32_t timeout_flags;
    uint32_t accept_flags;
    uint32_t cancel_flags;
    uint32_t open_flags;
    uint32_t statx_flags;
    uint32_t fadvise_advice;
    uint32_t splice_flags;
    uint32_t rename_flags;
    uint32_t unlink_flags;
    uint32_t hardlink_flags;
    uint32_t xattr_flags;
    uint32_t msg_ring_flags;
    uint32_t uring_cmd_flags;
    uint32_t waitid_flags;
    uint32_t futex_flags;
    uint32_t install_fd_flags;
    uint32_t nop_flags;
    uint32_t pipe_flags;
  };
  uint64_t user_data;  // returned untouched in Cqe::user_data
  union {
    uint16_t buf_index;  // registered buffer, with *_FIXED opcodes
    uint16_t buf_group;  // provided-buffer group, with kSqeBufferSelect
  };
  uint16_t personality;  // credentials from kRegisterPersonality, or 0
  union {
    int32_t splice_fd_in;
    uint32_t file_index;  // direct descriptor slot + 1, or kFileIndexAlloc
    uint32_t zcrx_ifq_idx;
    uint32_t optlen;
    struct {
      uint16_t addr_len;
      uint16_t pad3[1];
    };
  };
  union {
    struct {
      uint64_t addr3;
      uint64_t pad2[1];
    };
    struct {
      uint64_t attr_ptr;        // read/write attributes (kFeatRwAttr)
      uint64_t attr_type_mask;  // kRwAttrFlag* bits
    };
    uint64_t optval;
    uint8_t cmd[0];
  };
};

// ---------------------------------------------------------------------------
// Completion queue entry
// ---------------------------------------------------------------------------

// Cqe (struct io_uring_cqe)
//
// One 16-byte completion. `res` is the operation's return value, a negated
// errno on failure; `flags` carries kCqeF* bits and, with kCqeFBuffer, the
// provided-buffer id in its upper 16 bits (kCqeBufferShift).
//
// A ring set up with kSetupCqe32 has 32-byte entries: index its CQ with Cqe32
// (or double the index), never with Cqe.
struct Cqe {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
};

// Cqe32
//
// The entry of a kSetupCqe32 ring, and of the big completions that a
// kSetupCqeMixed ring marks with kCqeF32: a Cqe followed by 16 bytes the
// opcode defines (uring_cmd results, timestamps, zero-copy receive offsets).
struct Cqe32 {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
  uint64_t big_cqe[2];
};

// ---------------------------------------------------------------------------
// Ring setup
// ---------------------------------------------------------------------------

// SqringOffsets (struct io_sqring_offsets)
//
// Byte offsets of the SQ ring's fields inside its mmap, filled by
// io_uring_setup. `user_addr` is where the application's own ring memory is
// passed with kSetupNoMmap (it was reserved padding before 6.5).
struct SqringOffsets {
  uint32_t head;
  uint32_t tail;
  uint32_t ring_mask;
  uint32_t ring_entries;
  uint32_t flags;
  uint32_t dropped;
  uint32_t array;
  uint32_t resv1;
  uint64_t user_addr;
};

// CqringOffsets (struct io_cqring_offsets)
struct CqringOffsets {
  uint32_t head;
  uint32_t tail;
  uint32_t ring_mask;
  uint32_t ring_entries;
  uint32_t overflow;
  uint32_t cqes;
  uint32_t flags;
  uint32_t resv1;
  uint64_t user_addr;
};

// Params (struct io_uring_params)
//
// In: entries, flags and the SQPOLL/attach settings. Out: the sizes the
// kernel actually chose, the features it has, and where everything lives.
struct Params {
  uint32_t sq_entries;
  uint32_t cq_entries;
  uint32_t flags;           // kSetup* bits
  uint32_t sq_thread_cpu;   // with kSetupSqAff
  uint32_t sq_thread_idle;  // milliseconds, with kSetupSqpoll
  uint32_t features;        // kFeat* bits, filled by the kernel
  uint32_t wq_fd;           // with kSetupAttachWq
  uint32_t resv[3];
  SqringOffsets sq_off;
  CqringOffsets cq_off;
};

// ---------------------------------------------------------------------------
// io_uring_register(2) arguments
// ---------------------------------------------------------------------------

// ProbeOp (struct io_uring_probe_op)
struct ProbeOp {
  uint8_t op;
  uint8_t resv;
  uint16_t flags;  // kIoUringOpSupported
  uint32_t resv2;
};

// Probe (struct io_uring_probe, without its trailing array)
//
// The kernel's struct ends in a flexible array of ProbeOp, which C++ does not
// have. Probe is therefore only the 16-byte header: kRegisterProbe wants it
// immediately followed by `nr_args` zeroed ProbeOp in the same buffer, e.g.
//
//   struct { abi::Probe header; abi::ProbeOp ops[256]; } probe{};
//
// (ring/register.h wraps exactly that). ProbeOp's alignment never exceeds
// Probe's size, so a ProbeOp array placed after the header starts exactly
// where the kernel's `ops[]` does.
struct Probe {
  uint8_t last_op;  // highest opcode the kernel knows
  uint8_t ops_len;  // entries of the array filled in
  uint16_t resv;
  uint32_t resv2[3];
};
using ProbeHeader = Probe;

// kMaxProbeOps
//
// ops_len is a byte, so 256 ProbeOp always cover every opcode there can be.
inline constexpr unsigned kMaxProbeOps = 256;

// FilesUpdate (struct io_uring_files_update)
//
// The argument of the old kRegisterFilesUpdate; RsrcUpdate has the same
// layout and is what new code uses.
struct FilesUpdate {
  uint32_t offset;
  uint32_t resv;
  alignas(8) uint64_t fds;  // int32_t*
};

// RsrcRegister (struct io_uring_rsrc_register)
//
// kRegisterFiles2 / kRegisterBuffers2. The kernel declares the pointer
// fields __aligned_u64; the alignas keeps 32-bit builds on the same layout.
struct RsrcRegister {
  uint32_t nr;
  uint32_t flags;  // kRsrcRegisterSparse
  uint64_t resv2;
  alignas(8) uint64_t data;  // int32_t* fds or iovec*
  alignas(8) uint64_t tags;  // uint64_t*, or 0
};

// RsrcUpdate (struct io_uring_rsrc_update)
struct RsrcUpdate {
  uint32_t offset;
  uint32_t resv;
  alignas(8) uint64_t data;
};

// RsrcUpdate2 (struct io_uring_rsrc_update2)
struct RsrcUpdate2 {
  uint32_t offset;
  uint32_t resv;
  alignas(8) uint64_t data;
  alignas(8) uint64_t tags;
  uint32_t nr;
  uint32_t resv2;
};

// Restriction (struct io_uring_restriction)
//
// kRegisterRestrictions on a ring created with kSetupRDisabled.
struct Restriction {
  uint16_t opcode;  // kRestriction*
  union {
    uint8_t register_op;
    uint8_t sqe_op;
    uint8_t sqe_flags;
  };
  uint8_t resv;
  uint32_t resv2[3];
};

// Buf (struct io_uring_buf)
//
// One descriptor of a provided-buffer ring.
struct Buf {
  uint64_t addr;
  uint32_t len;
  uint16_t bid;
  uint16_t resv;
};

// BufRingHeader (the anonymous struct inside struct io_uring_buf_ring)
//
// A buffer ring has no header of its own: so that a ring of N descriptors
// fits in exactly N * 16 bytes, the kernel reads the ring's tail from the
// `resv` field of descriptor 0. BufRingHeader is that first descriptor seen
// as the tail's container; it overlays `bufs[0]` and must never be placed in
// front of the array.
struct BufRingHeader {
  uint64_t resv1;
  uint32_t resv2;
  uint16_t resv3;
  uint16_t tail;
};

// kBufRingTailOffset
//
// Where the application publishes the tail, counted from the ring's start.
inline constexpr std::size_t kBufRingTailOffset = 14;

// BufReg (struct io_uring_buf_reg)
//
// kRegisterPbufRing / kUnregisterPbufRing. `flags` was `pad` before 6.4.
struct BufReg {
  uint64_t ring_addr;  // 0 with kIouPbufRingMmap
  uint32_t ring_entries;
  uint16_t bgid;
  uint16_t flags;  // kIouPbufRing* bits
  uint64_t resv[3];
};

// BufStatus (struct io_uring_buf_status)
//
// kRegisterPbufStatus (6.8): how far the kernel has consumed a buffer ring.
struct BufStatus {
  uint32_t buf_group;  // in
  uint32_t head;       // out
  uint32_t resv[8];
};

// GetEventsArg (struct io_uring_getevents_arg)
//
// Passed instead of a sigset when kEnterExtArg is set, with the size of this
// struct as the last io_uring_enter argument. `min_wait_usec` (6.12,
// kFeatMinTimeout) was the padding word `pad` before.
struct GetEventsArg {
  uint64_t sigmask;  // sigset_t*, or 0
  uint32_t sigmask_sz;
  uint32_t min_wait_usec;
  uint64_t ts;  // KernelTimespec*, or 0
};

// SyncCancelReg (struct io_uring_sync_cancel_reg)
//
// kRegisterSyncCancel (6.0): cancel and wait without an SQE. `opcode` (with
// kAsyncCancelOp, 6.6) took the first byte of what was `pad[4]`.
struct SyncCancelReg {
  uint64_t addr;  // user_data to match
  int32_t fd;
  uint32_t flags;          // kAsyncCancel* bits
  KernelTimespec timeout;  // {-1, -1} waits forever
  uint8_t opcode;
  uint8_t pad[7];
  uint64_t pad2[3];
};

// FileIndexRange (struct io_uring_file_index_range)
//
// kRegisterFileAllocRange: the slots [off, off + len) kFileIndexAlloc picks
// from.
struct FileIndexRange {
  uint32_t off;
  uint32_t len;
  uint64_t resv;
};

// RecvmsgOut (struct io_uring_recvmsg_out)
//
// Multishot recvmsg writes this at the start of each provided buffer, then
// the name, the control data and the payload.
struct RecvmsgOut {
  uint32_t namelen;
  uint32_t controllen;
  uint32_t payloadlen;
  uint32_t flags;
};

// NapiReg (struct io_uring_napi)
//
// kRegisterNapi / kUnregisterNapi (6.9). `opcode` and `op_param`, carved
// out of the old padding later, select static NAPI id tracking; zeroes keep
// the original dynamic mode.
struct NapiReg {
  uint32_t busy_poll_to;  // microseconds
  uint8_t prefer_busy_poll;
  uint8_t opcode;  // kIoUringNapi*Op
  uint8_t pad[2];
  uint32_t op_param;
  uint32_t resv;
};

// ClockReg (struct io_uring_clock_register)
//
// kRegisterClock (6.12): the clock that wait timeouts are measured on.
struct ClockReg {
  uint32_t clockid;  // CLOCK_MONOTONIC or CLOCK_BOOTTIME
  uint32_t resv[3];
};

// FutexWaitv (struct futex_waitv)
//
// One element of the array IORING_OP_FUTEX_WAITV points at.
struct FutexWaitv {
  uint64_t val;
  uint64_t uaddr;
  uint32_t flags;  // kFutex2* bits
  uint32_t reserved;
};

// ---------------------------------------------------------------------------
// Opcodes
// ---------------------------------------------------------------------------

// Op (enum io_uring_op)
//
// Every opcode through Linux 6.18, in the kernel's order; the numbers are the
// positions, so the list may only ever grow at the end. kLast is one past the
// highest (the kernel's IORING_OP_LAST at 6.18), not an opcode. The comment
// on each newer opcode says which release brought it; whether the running
// kernel has it is for the probe to say.
enum class Op : uint8_t {
  kNop = 0,
  kReadv = 1,
  kWritev = 2,
  kFsync = 3,
  kReadFixed = 4,
  kWriteFixed = 5,
  kPollAdd = 6,
  kPollRemove = 7,
  kSyncFileRange = 8,
  kSendmsg = 9,
  kRecvmsg = 10,
  kTimeout = 11,
  kTimeoutRemove = 12,
  kAccept = 13,
  kAsyncCancel = 14,
  kLinkTimeout = 15,
  kConnect = 16,
  kFallocate = 17,
  kOpenat = 18,
  kClose = 19,
  kFilesUpdate = 20,
  kStatx = 21,
  kRead = 22,
  kWrite = 23,
  kFadvise = 24,
  kMadvise = 25,
  kSend = 26,
  kRecv = 27,
  kOpenat2 = 28,
  kEpollCtl = 29,
  kSplice = 30,
  kProvideBuffers = 31,
  kRemoveBuffers = 32,
  kTee = 33,
  kShutdown = 34,
  kRenameat = 35,
  kUnlinkat = 36,
  kMkdirat = 37,
  kSymlinkat = 38,
  kLinkat = 39,
  kMsgRing = 40,
  kFsetxattr = 41,
  kSetxattr = 42,
  kFgetxattr = 43,
  kGetxattr = 44,
  kSocket = 45,
  kUringCmd = 46,
  kSendZc = 47,
  kSendmsgZc = 48,
  kReadMultishot = 49,   // 6.7
  kWaitid = 50,          // 6.7
  kFutexWait = 51,       // 6.7
  kFutexWake = 52,       // 6.7
  kFutexWaitv = 53,      // 6.7
  kFixedFdInstall = 54,  // 6.8
  kFtruncate = 55,       // 6.9
  kBind = 56,            // 6.11
  kListen = 57,          // 6.11
  kRecvZc = 58,          // 6.15
  kEpollWait = 59,       // 6.15
  kReadvFixed = 60,      // 6.15
  kWritevFixed = 61,     // 6.15
  kPipe = 62,            // 6.16
  kLast = 63,
};

// ---------------------------------------------------------------------------
// io_uring_setup(2) flags: Params::flags
// ---------------------------------------------------------------------------

inline constexpr uint32_t kSetupIopoll = 1u << 0;
inline constexpr uint32_t kSetupSqpoll = 1u << 1;
inline constexpr uint32_t kSetupSqAff = 1u << 2;
inline constexpr uint32_t kSetupCqsize = 1u << 3;
inline constexpr uint32_t kSetupClamp = 1u << 4;
inline constexpr uint32_t kSetupAttachWq = 1u << 5;
inline constexpr uint32_t kSetupRDisabled = 1u << 6;
inline constexpr uint32_t kSetupSubmitAll = 1u << 7;
// Task work runs when the task next enters the kernel rather than through an
// interrupt; kSetupTaskrunFlag then raises kSqTaskrun to say it is waiting.
inline constexpr uint32_t kSetupCoopTaskrun = 1u << 8;
inline constexpr uint32_t kSetupTaskrunFlag = 1u << 9;
inline constexpr uint32_t kSetupSqe128 = 1u << 10;
inline constexpr uint32_t kSetupCqe32 = 1u << 11;
inline constexpr uint32_t kSetupSingleIssuer = 1u << 12;
// Task work waits for io_uring_enter(GETEVENTS); needs kSetupSingleIssuer.
inline constexpr uint32_t kSetupDeferTaskrun = 1u << 13;
inline constexpr uint32_t kSetupNoMmap = 1u << 14;            // 6.5
inline constexpr uint32_t kSetupRegisteredFdOnly = 1u << 15;  // 6.5
inline constexpr uint32_t kSetupNoSqarray = 1u << 16;         // 6.6
inline constexpr uint32_t kSetupHybridIopoll = 1u << 17;      // 6.13
// 16- and 32-byte completions share one CQ; big ones carry kCqeF32, and a
// kCqeFSkip filler pads the ring's end when a big one would not fit.
inline constexpr uint32_t kSetupCqeMixed = 1u << 18;  // 6.18

// ---------------------------------------------------------------------------
// io_uring_enter(2) flags
// ---------------------------------------------------------------------------

inline constexpr uint32_t kEnterGetevents = 1u << 0;
inline constexpr uint32_t kEnterSqWakeup = 1u << 1;
inline constexpr uint32_t kEnterSqWait = 1u << 2;
inline constexpr uint32_t kEnterExtArg = 1u << 3;
// The fd argument is an index from kRegisterRingFds, which spares the
// kernel an fd table lookup per call.
inline constexpr uint32_t kEnterRegisteredRing = 1u << 4;
inline constexpr uint32_t kEnterAbsTimer = 1u << 5;   // 6.12
inline constexpr uint32_t kEnterExtArgReg = 1u << 6;  // 6.13
inline constexpr uint32_t kEnterNoIowait = 1u << 7;   // 6.15

// ---------------------------------------------------------------------------
// Params::features
// ---------------------------------------------------------------------------

inline constexpr uint32_t kFeatSingleMmap = 1u << 0;
inline constexpr uint32_t kFeatNodrop = 1u << 1;
inline constexpr uint32_t kFeatSubmitStable = 1u << 2;
inline constexpr uint32_t kFeatRwCurPos = 1u << 3;
inline constexpr uint32_t kFeatCurPersonality = 1u << 4;
inline constexpr uint32_t kFeatFastPoll = 1u << 5;
inline constexpr uint32_t kFeatPoll32bits = 1u << 6;
inline constexpr uint32_t kFeatSqpollNonfixed = 1u << 7;
inline constexpr uint32_t kFeatExtArg = 1u << 8;
inline constexpr uint32_t kFeatNativeWorkers = 1u << 9;
inline constexpr uint32_t kFeatRsrcTags = 1u << 10;
inline constexpr uint32_t kFeatCqeSkip = 1u << 11;
inline constexpr uint32_t kFeatLinkedFile = 1u << 12;
inline constexpr uint32_t kFeatRegRegRing = 1u << 13;      // 6.3
inline constexpr uint32_t kFeatRecvsendBundle = 1u << 14;  // 6.10
inline constexpr uint32_t kFeatMinTimeout = 1u << 15;      // 6.12
inline constexpr uint32_t kFeatRwAttr = 1u << 16;          // 6.14
inline constexpr uint32_t kFeatNoIowait = 1u << 17;        // 6.15

// ---------------------------------------------------------------------------
// Sqe::flags
// ---------------------------------------------------------------------------

inline constexpr uint8_t kSqeFixedFile = 1u << 0;
inline constexpr uint8_t kSqeIoDrain = 1u << 1;
inline constexpr uint8_t kSqeIoLink = 1u << 2;
inline constexpr uint8_t kSqeIoHardlink = 1u << 3;
inline constexpr uint8_t kSqeAsync = 1u << 4;
inline constexpr uint8_t kSqeBufferSelect = 1u << 5;
inline constexpr uint8_t kSqeCqeSkipSuccess = 1u << 6;

// kFileIndexAlloc
//
// In Sqe::file_index of an opcode that creates a direct descriptor: let the
// kernel pick a free slot and return it in Cqe::res.
inline constexpr uint32_t kFileIndexAlloc = ~0u;

// kOffsetCurrent
//
// Sqe::off for "the file's current position" (read/write on files) and the
// only valid value for pipes and sockets.
inline constexpr uint64_t kOffsetCurrent = ~uint64_t{0};

// ---------------------------------------------------------------------------
// Cqe::flags
// ---------------------------------------------------------------------------

inline constexpr uint32_t kCqeFBuffer = 1u << 0;
// More completions will follow for the same SQE (multishot, zero-copy send).
inline constexpr uint32_t kCqeFMore = 1u << 1;
inline constexpr uint32_t kCqeFSockNonempty = 1u << 2;
inline constexpr uint32_t kCqeFNotif = 1u << 3;
// An incrementally consumed buffer (kIouPbufRingInc) stays with the kernel.
inline constexpr uint32_t kCqeFBufMore = 1u << 4;  // 6.12
// A filler on a kSetupCqeMixed ring: consume it and look at the next entry.
inline constexpr uint32_t kCqeFSkip = 1u << 5;  // 6.18
inline constexpr uint32_t kCqeF32 = 1u << 15;   // 6.18
inline constexpr uint32_t kCqeBufferShift = 16;

// ---------------------------------------------------------------------------
// Ring flags, read from the mapped rings
// ---------------------------------------------------------------------------

// SQ ring `flags` word (SqringOffsets::flags).
inline constexpr uint32_t kSqNeedWakeup = 1u << 0;
inline constexpr uint32_t kSqCqOverflow = 1u << 1;
inline constexpr uint32_t kSqTaskrun = 1u << 2;

// CQ ring `flags` word (CqringOffsets::flags), written by the application.
inline constexpr uint32_t kCqEventfdDisabled = 1u << 0;

// ---------------------------------------------------------------------------
// mmap offsets
// ---------------------------------------------------------------------------

inline constexpr uint64_t kOffSqRing = 0;
inline constexpr uint64_t kOffCqRing = 0x8000000;
inline constexpr uint64_t kOffSqes = 0x10000000;
// A kernel-allocated buffer ring (kIouPbufRingMmap) is mapped at
// kOffPbufRing | (bgid << kOffPbufShift).
inline constexpr uint64_t kOffPbufRing = 0x80000000;
inline constexpr uint32_t kOffPbufShift = 16;
// The kernel tells the regions apart by these bits alone.
inline constexpr uint64_t kOffMmapMask = 0xf8000000;
// kMaxMmapPbufGroup
//
// The kernel recovers bgid from the bits between kOffPbufShift and
// kOffMmapMask, so a kernel-allocated ring is reachable by mmap only for
// group ids up to this one; use application memory for higher ids.
inline constexpr uint32_t kMaxMmapPbufGroup =
    static_cast<uint32_t>((~kOffMmapMask & 0xffffffff) >> kOffPbufShift);
static_assert(kMaxMmapPbufGroup == 0x7ff,
              "kOffPbufShift and kOffMmapMask leave 11 bits for the group id");

// ---------------------------------------------------------------------------
// io_uring_register(2) opcodes
// ---------------------------------------------------------------------------

inline constexpr uint32_t kRegisterBuffers = 0;
inline constexpr uint32_t kUnregisterBuffers = 1;
inline constexpr uint32_t kRegisterFiles = 2;
inline constexpr uint32_t kUnregisterFiles = 3;
inline constexpr uint32_t kRegisterEventfd = 4;
inline constexpr uint32_t kUnregisterEventfd = 5;
inline constexpr uint32_t kRegisterFilesUpdate = 6;
inline constexpr uint32_t kRegisterEventfdAsync = 7;
inline constexpr uint32_t kRegisterProbe = 8;
inline constexpr uint32_t kRegisterPersonality = 9;
inline constexpr uint32_t kUnregisterPersonality = 10;
inline constexpr uint32_t kRegisterRestrictions = 11;
inline constexpr uint32_t kRegisterEnableRings = 12;
inline constexpr uint32_t kRegisterFiles2 = 13;
inline constexpr uint32_t kRegisterFilesUpdate2 = 14;
inline constexpr uint32_t kRegisterBuffers2 = 15;
inline constexpr uint32_t kRegisterBuffersUpdate = 16;
inline constexpr uint32_t kRegisterIowqAff = 17;
inline constexpr uint32_t kUnregisterIowqAff = 18;
inline constexpr uint32_t kRegisterIowqMaxWorkers = 19;
inline constexpr uint32_t kRegisterRingFds = 20;
inline constexpr uint32_t kUnregisterRingFds = 21;
inline constexpr uint32_t kRegisterPbufRing = 22;
inline constexpr uint32_t kUnregisterPbufRing = 23;
inline constexpr uint32_t kRegisterSyncCancel = 24;
inline constexpr uint32_t kRegisterFileAllocRange = 25;
inline constexpr uint32_t kRegisterPbufStatus = 26;  // 6.8
inline constexpr uint32_t kRegisterNapi = 27;        // 6.9
inline constexpr uint32_t kUnregisterNapi = 28;      // 6.9
inline constexpr uint32_t kRegisterClock = 29;       // 6.12
inline constexpr uint32_t kRegisterCloneBuffers = 30;
inline constexpr uint32_t kRegisterSendMsgRing = 31;  // 6.13
// Number 32 was held back for zero-copy receive while 33 and 34 went in.
inline constexpr uint32_t kRegisterZcrxIfq = 32;      // 6.15
inline constexpr uint32_t kRegisterResizeRings = 33;  // 6.13
inline constexpr uint32_t kRegisterMemRegion = 34;    // 6.13
inline constexpr uint32_t kRegisterQuery = 35;        // 6.18
// One past the highest register opcode at 6.18.
inline constexpr uint32_t kRegisterLast = 36;
// OR'ed into the opcode: the fd argument is a kRegisterRingFds index.
inline constexpr uint32_t kRegisterUseRegisteredRing = 1u << 31;

// Arguments of kRegisterIowqMaxWorkers: index 0 is bounded, 1 unbounded.
inline constexpr uint32_t kIoWqBound = 0;
inline constexpr uint32_t kIoWqUnbound = 1;

// RsrcRegister::flags: reserve `nr` empty slots instead of passing an array
// of -1.
inline constexpr uint32_t kRsrcRegisterSparse = 1u << 0;

// kRegisterFilesSkip
//
// In an fd array given to a files update: leave this slot as it is.
inline constexpr int32_t kRegisterFilesSkip = -2;

// ProbeOp::flags.
inline constexpr uint16_t kIoUringOpSupported = 1u << 0;

// Flags of struct io_uring_clone_buffers (kRegisterCloneBuffers).
inline constexpr uint32_t kRegisterSrcRegistered = 1u << 0;
inline constexpr uint32_t kRegisterDstReplace = 1u << 1;

// BufReg::flags.
inline constexpr uint16_t kIouPbufRingMmap = 1;  // 6.4: kernel allocates
inline constexpr uint16_t kIouPbufRingInc = 2;   // 6.12: partial consumption

// NapiReg::opcode and the tracking modes given in NapiReg::op_param.
inline constexpr uint8_t kIoUringNapiRegisterOp = 0;
inline constexpr uint8_t kIoUringNapiStaticAddId = 1;
inline constexpr uint8_t kIoUringNapiStaticDelId = 2;
inline constexpr uint32_t kIoUringNapiTrackingDynamic = 0;
inline constexpr uint32_t kIoUringNapiTrackingStatic = 1;
inline constexpr uint32_t kIoUringNapiTrackingInactive = 255;

// Restriction::opcode.
inline constexpr uint16_t kRestrictionRegisterOp = 0;
inline constexpr uint16_t kRestrictionSqeOp = 1;
inline constexpr uint16_t kRestrictionSqeFlagsAllowed = 2;
inline constexpr uint16_t kRestrictionSqeFlagsRequired = 3;
inline constexpr uint16_t kRestrictionLast = 4;

// kRegisterMemRegion region types and flags.
inline constexpr uint32_t kMemRegionTypeUser = 1;
inline constexpr uint64_t kMemRegionRegWaitArg = 1;
inline constexpr uint32_t kRegWaitTs = 1u << 0;

// ---------------------------------------------------------------------------
// Per-opcode flags
// ---------------------------------------------------------------------------

// Sqe::fsync_flags.
inline constexpr uint32_t kFsyncDatasync = 1u << 0;

// Sqe::timeout_flags (kTimeout, kTimeoutRemove, kLinkTimeout).
inline constexpr uint32_t kTimeoutAbs = 1u << 0;
inline constexpr uint32_t kTimeoutUpdate = 1u << 1;
inline constexpr uint32_t kTimeoutBoottime = 1u << 2;
inline constexpr uint32_t kTimeoutRealtime = 1u << 3;
inline constexpr uint32_t kLinkTimeoutUpdate = 1u << 4;
inline constexpr uint32_t kTimeoutEtimeSuccess = 1u << 5;
inline constexpr uint32_t kTimeoutMultishot = 1u << 6;  // 6.4
inline constexpr uint32_t kTimeoutClockMask =
    kTimeoutBoottime | kTimeoutRealtime;
inline constexpr uint32_t kTimeoutUpdateMask =
    kTimeoutUpdate | kLinkTimeoutUpdate;

// Sqe::splice_flags, beside the splice(2) SPLICE_F_* flags: splice_fd_in is
// a direct descriptor. It takes the top bit so it never meets a splice(2) one.
inline constexpr uint32_t kSpliceFFdInFixed = 1u << 31;

// kPollAdd / kPollRemove. These go in Sqe::len, because the poll opcodes use
// the flag word for the event mask.
inline constexpr uint32_t kPollAddMulti = 1u << 0;
inline constexpr uint32_t kPollUpdateEvents = 1u << 1;
inline constexpr uint32_t kPollUpdateUserData = 1u << 2;
inline constexpr uint32_t kPollAddLevel = 1u << 3;

// Sqe::cancel_flags (kAsyncCancel) and SyncCancelReg::flags.
inline constexpr uint32_t kAsyncCancelAll = 1u << 0;
inline constexpr uint32_t kAsyncCancelFd = 1u << 1;
inline constexpr uint32_t kAsyncCancelAny = 1u << 2;
inline constexpr uint32_t kAsyncCancelFdFixed = 1u << 3;
inline constexpr uint32_t kAsyncCancelUserdata = 1u << 4;
inline constexpr uint32_t kAsyncCancelOp = 1u << 5;

// send/recv family flags. They live in Sqe::ioprio because the flag word
// already carries the MSG_* flags of send(2)/recv(2).
inline constexpr uint16_t kRecvsendPollFirst = 1u << 0;
inline constexpr uint16_t kRecvMultishot = 1u << 1;
inline constexpr uint16_t kRecvsendFixedBuf = 1u << 2;
inline constexpr uint16_t kSendZcReportUsage = 1u << 3;
inline constexpr uint16_t kRecvsendBundle = 1u << 4;  // 6.10
inline constexpr uint16_t kSendVectorized = 1u << 5;

// In Cqe::res of a kCqeFNotif completion when kSendZcReportUsage was asked
// for: the data was copied after all, so zero-copy did not pay off.
inline constexpr uint32_t kNotifUsageZcCopied = 1u << 31;

// kAccept flags, in Sqe::ioprio for the same reason as the recv flags.
inline constexpr uint16_t kAcceptMultishot = 1u << 0;
inline constexpr uint16_t kAcceptDontwait = 1u << 1;   // 6.10
inline constexpr uint16_t kAcceptPollFirst = 1u << 2;  // 6.10

// kMsgRing commands, in Sqe::addr.
inline constexpr uint64_t kMsgData = 0;
inline constexpr uint64_t kMsgSendFd = 1;

// Sqe::msg_ring_flags.
inline constexpr uint32_t kMsgRingCqeSkip = 1u << 0;
inline constexpr uint32_t kMsgRingFlagsPass = 1u << 1;

// Sqe::install_fd_flags (kFixedFdInstall): the new fd is O_CLOEXEC unless
// this is given.
inline constexpr uint32_t kFixedFdNoCloexec = 1u << 0;

// Sqe::nop_flags. kNop doubles as a test vehicle: these make it fail on
// purpose, touch files and buffers, or post through task work.
inline constexpr uint32_t kNopInjectResult = 1u << 0;
inline constexpr uint32_t kNopFile = 1u << 1;
inline constexpr uint32_t kNopFixedFile = 1u << 2;
inline constexpr uint32_t kNopFixedBuffer = 1u << 3;
inline constexpr uint32_t kNopTw = 1u << 4;
inline constexpr uint32_t kNopCqe32 = 1u << 5;  // 6.18, needs 32-byte CQEs

// Sqe::uring_cmd_flags. The top 8 bits belong to the kernel.
inline constexpr uint32_t kUringCmdFixed = 1u << 0;
inline constexpr uint32_t kUringCmdMultishot = 1u << 1;
inline constexpr uint32_t kUringCmdMask = kUringCmdFixed | kUringCmdMultishot;

// Sqe::attr_type_mask: attr_ptr points at a protection-information attribute.
inline constexpr uint64_t kRwAttrFlagPi = 1u << 0;

// Sqe::cmd_op of kUringCmd on a socket.
inline constexpr uint32_t kSocketUringOpSiocinq = 0;
inline constexpr uint32_t kSocketUringOpSiocoutq = 1;
inline constexpr uint32_t kSocketUringOpGetsockopt = 2;
inline constexpr uint32_t kSocketUringOpSetsockopt = 3;
inline constexpr uint32_t kSocketUringOpTxTimestamp = 4;
// How kSocketUringOpTxTimestamp completions mark their Cqe::flags.
inline constexpr uint32_t kTimestampHwShift = 16;
inline constexpr uint32_t kTimestampTypeShift = kTimestampHwShift + 1;
inline constexpr uint32_t kCqeFTstampHw = 1u << kTimestampHwShift;

// ---------------------------------------------------------------------------
// futex2 flags (Sqe::futex_flags, FutexWaitv::flags)
// ---------------------------------------------------------------------------
//
// The futex opcodes take futex2 flags, not futex(2) ones: the low bits are a
// size code, not a bitmask, and private futexes say so explicitly.

inline constexpr uint32_t kFutex2SizeU8 = 0x00;
inline constexpr uint32_t kFutex2SizeU16 = 0x01;
inline constexpr uint32_t kFutex2SizeU32 = 0x02;
inline constexpr uint32_t kFutex2SizeU64 = 0x03;
inline constexpr uint32_t kFutex2SizeMask = 0x03;
inline constexpr uint32_t kFutex2Numa = 0x04;
inline constexpr uint32_t kFutex2Private = 128;
// The longest array kFutexWaitv accepts.
inline constexpr uint32_t kFutexWaitvMax = 128;

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

// kMaxEntries, kMaxCqEntries
//
// The largest SQ and CQ the kernel creates (IORING_MAX_ENTRIES and
// IORING_MAX_CQ_ENTRIES in its private io_uring/io_uring.h, not in the uapi
// header, so they are written here from the kernel source). Asking for more
// fails with EINVAL unless kSetupClamp is given.
inline constexpr uint32_t kMaxEntries = 32768;
inline constexpr uint32_t kMaxCqEntries = 2 * kMaxEntries;

// ---------------------------------------------------------------------------
// Layout checks
// ---------------------------------------------------------------------------
//
// The kernel reads these bytes directly; a field in the wrong place is a
// silent misbehaviour, not a compile error. Each struct's size and the
// offsets that matter are pinned here, independent of any kernel header.

static_assert(sizeof(Sqe) == 64, "Sqe must be exactly one 64-byte SQ slot");
static_assert(offsetof(Sqe, opcode) == 0 && offsetof(Sqe, flags) == 1 &&
                  offsetof(Sqe, ioprio) == 2 && offsetof(Sqe, fd) == 4,
              "Sqe: opcode/flags/ioprio/fd header is misplaced");
static_assert(offsetof(Sqe, off) == 8 && offsetof(Sqe, addr2) == 8 &&
                  offsetof(Sqe, cmd_op) == 8,
              "Sqe: off/addr2/cmd_op must alias at offset 8");
static_assert(offsetof(Sqe, addr) == 16 && offsetof(Sqe, splice_off_in) == 16 &&
                  offsetof(Sqe, level) == 16 && offsetof(Sqe, optname) == 20,
              "Sqe: addr union must sit at offset 16");
static_assert(offsetof(Sqe, len) == 24, "Sqe: len must sit at offset 24");
static_assert(offsetof(Sqe, op_flags) == 28 && offsetof(Sqe, rw_flags) == 28 &&
                  offsetof(Sqe, poll32_events) == 28 &&
                  offsetof(Sqe, nop_flags) == 28 &&
                  offsetof(Sqe, pipe_flags) == 28,
              "Sqe: every per-opcode flag word must alias at offset 28");
static_assert(offsetof(Sqe, user_data) == 32,
              "Sqe: user_data must sit at offset 32");
static_assert(offsetof(Sqe, buf_index) == 40 && offsetof(Sqe, buf_group) == 40,
              "Sqe: buf_index/buf_group must alias at offset 40");
static_assert(offsetof(Sqe, personality) == 42,
              "Sqe: personality must sit at offset 42");
static_assert(offsetof(Sqe, splice_fd_in) == 44 &&
                  offsetof(Sqe, file_index) == 44 &&
                  offsetof(Sqe, optlen) == 44 && offsetof(Sqe, addr_len) == 44,
              "Sqe: the splice_fd_in union must sit at offset 44");
static_assert(offsetof(Sqe, addr3) == 48 && offsetof(Sqe, pad2) == 56 &&
                  offsetof(Sqe, attr_ptr) == 48 &&
                  offsetof(Sqe, attr_type_mask) == 56 &&
                  offsetof(Sqe, optval) == 48 && offsetof(Sqe, cmd) == 48,
              "Sqe: addr3/attr/optval/cmd must start at offset 48");

static_assert(sizeof(Cqe) == 16, "Cqe must be exactly one 16-byte CQ slot");
static_assert(offsetof(Cqe, res) == 8 && offsetof(Cqe, flags) == 12,
              "Cqe: res/flags are misplaced");
static_assert(sizeof(Cqe32) == 32 && offsetof(Cqe32, big_cqe) == 16,
              "Cqe32 must be a Cqe followed by 16 extra bytes");

static_assert(sizeof(SqringOffsets) == 40 &&
                  offsetof(SqringOffsets, array) == 24 &&
                  offsetof(SqringOffsets, user_addr) == 32,
              "SqringOffsets does not match io_sqring_offsets");
static_assert(sizeof(CqringOffsets) == 40 &&
                  offsetof(CqringOffsets, cqes) == 20 &&
                  offsetof(CqringOffsets, flags) == 24 &&
                  offsetof(CqringOffsets, user_addr) == 32,
              "CqringOffsets does not match io_cqring_offsets");
static_assert(sizeof(Params) == 120 && offsetof(Params, features) == 20 &&
                  offsetof(Params, wq_fd) == 24 &&
                  offsetof(Params, sq_off) == 40 &&
                  offsetof(Params, cq_off) == 80,
              "Params does not match io_uring_params");

static_assert(sizeof(ProbeOp) == 8, "ProbeOp does not match io_uring_probe_op");
static_assert(sizeof(Probe) == 16,
              "Probe is the 16-byte io_uring_probe header; ProbeOp follow it");
static_assert(alignof(ProbeOp) <= sizeof(Probe),
              "a ProbeOp array placed after Probe must start at offset 16");
static_assert(sizeof(FilesUpdate) == 16 && offsetof(FilesUpdate, fds) == 8,
              "FilesUpdate does not match io_uring_files_update");
static_assert(sizeof(RsrcRegister) == 32 &&
                  offsetof(RsrcRegister, data) == 16 &&
                  offsetof(RsrcRegister, tags) == 24,
              "RsrcRegister does not match io_uring_rsrc_register");
static_assert(sizeof(RsrcUpdate) == 16 && offsetof(RsrcUpdate, data) == 8,
              "RsrcUpdate does not match io_uring_rsrc_update");
static_assert(sizeof(RsrcUpdate2) == 32 && offsetof(RsrcUpdate2, tags) == 16 &&
                  offsetof(RsrcUpdate2, nr) == 24,
              "RsrcUpdate2 does not match io_uring_rsrc_update2");
static_assert(sizeof(Restriction) == 16 &&
                  offsetof(Restriction, register_op) == 2 &&
                  offsetof(Restriction, resv2) == 4,
              "Restriction does not match io_uring_restriction");
static_assert(sizeof(Buf) == 16 && offsetof(Buf, resv) == 14,
              "Buf does not match io_uring_buf");
static_assert(sizeof(BufRingHeader) == sizeof(Buf) &&
                  offsetof(BufRingHeader, tail) == offsetof(Buf, resv) &&
                  offsetof(BufRingHeader, tail) == kBufRingTailOffset,
              "BufRingHeader::tail must overlay Buf::resv of descriptor 0");
static_assert(sizeof(BufReg) == 40 && offsetof(BufReg, bgid) == 12 &&
                  offsetof(BufReg, flags) == 14,
              "BufReg does not match io_uring_buf_reg");
static_assert(sizeof(BufStatus) == 40,
              "BufStatus does not match io_uring_buf_status");
static_assert(sizeof(GetEventsArg) == 24 &&
                  offsetof(GetEventsArg, min_wait_usec) == 12 &&
                  offsetof(GetEventsArg, ts) == 16,
              "GetEventsArg does not match io_uring_getevents_arg");
static_assert(sizeof(SyncCancelReg) == 64 &&
                  offsetof(SyncCancelReg, timeout) == 16 &&
                  offsetof(SyncCancelReg, opcode) == 32,
              "SyncCancelReg does not match io_uring_sync_cancel_reg");
static_assert(sizeof(FileIndexRange) == 16,
              "FileIndexRange does not match io_uring_file_index_range");
static_assert(sizeof(RecvmsgOut) == 16,
              "RecvmsgOut does not match io_uring_recvmsg_out");
static_assert(sizeof(NapiReg) == 16 && offsetof(NapiReg, opcode) == 5 &&
                  offsetof(NapiReg, op_param) == 8,
              "NapiReg does not match io_uring_napi");
static_assert(sizeof(ClockReg) == 16,
              "ClockReg does not match io_uring_clock_register");
static_assert(sizeof(FutexWaitv) == 24,
              "FutexWaitv does not match futex_waitv");

}  // namespace zring::ring::abi

#endif  // ZRING_RING_ABI_H_
