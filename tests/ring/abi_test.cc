// tests/ring/abi_test.cc — zring's io_uring ABI against the kernel's.
//
// ring/abi.h writes the ABI out by hand; this test holds it against the
// installed uapi header (linux-libc-dev 6.1): every struct both define must
// agree in size, alignment and the offset and size of each field, and every
// opcode and flag the 6.1 header knows must have the same value. What came
// after 6.1 cannot be read from that header: for it, the test checks that the
// numbering stays dense and pins the flag sets to what a 6.18 kernel reports
// through IORING_REGISTER_QUERY.
//
// Only tests may include <linux/io_uring.h>; the library never does.

#include "zring/ring/abi.h"

#include <gtest/gtest.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <linux/time_types.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace zring::ring::abi {
namespace {

// Compares one value of ours with the kernel's. Both sides are widened to
// 64 bits first: the kernel mixes macros, anonymous enums and signed
// constants, and a scoped enum needs an explicit conversion anyway.
#define EXPECT_ABI(ours, kernel)                                        \
  EXPECT_EQ(static_cast<uint64_t>(ours), static_cast<uint64_t>(kernel)) \
      << #ours " != " #kernel

// A struct of ours against the kernel's, as a whole.
#define EXPECT_SAME_STRUCT(kernel_type, our_type)                    \
  do {                                                               \
    EXPECT_EQ(sizeof(kernel_type), sizeof(our_type)) << #our_type;   \
    EXPECT_EQ(alignof(kernel_type), alignof(our_type)) << #our_type; \
  } while (0)

// One field: same offset and same size. `kf` and `of` differ where the
// kernel's name is reserved in C++ (`__pad2`) or where 6.1 still had the
// field's older name (`pad` before `min_wait_usec`).
#define EXPECT_FIELD(kernel_type, kf, our_type, of)              \
  do {                                                           \
    EXPECT_EQ(offsetof(kernel_type, kf), offsetof(our_type, of)) \
        << #our_type "::" #of " offset";                         \
    EXPECT_EQ(sizeof(kernel_type::kf), sizeof(our_type::of))     \
        << #our_type "::" #of " size";                           \
  } while (0)

#define EXPECT_SAME_FIELD(kernel_type, our_type, f) \
  EXPECT_FIELD(kernel_type, f, our_type, f)

TEST(Abi, Structs) {
  // Sqe: every alias in every union.
  EXPECT_SAME_STRUCT(io_uring_sqe, Sqe);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, opcode);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, ioprio);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, fd);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, off);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, addr2);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, cmd_op);
  EXPECT_FIELD(io_uring_sqe, __pad1, Sqe, pad1);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, addr);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, splice_off_in);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, len);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, rw_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, fsync_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, poll_events);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, poll32_events);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, sync_range_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, msg_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, timeout_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, accept_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, cancel_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, open_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, statx_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, fadvise_advice);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, splice_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, rename_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, unlink_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, hardlink_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, xattr_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, msg_ring_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, uring_cmd_flags);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, user_data);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, buf_index);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, buf_group);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, personality);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, splice_fd_in);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, file_index);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, addr_len);
  EXPECT_FIELD(io_uring_sqe, __pad3, Sqe, pad3);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, addr3);
  EXPECT_FIELD(io_uring_sqe, __pad2, Sqe, pad2);
  EXPECT_SAME_FIELD(io_uring_sqe, Sqe, cmd);
  // Aliases the 6.1 header does not have yet sit on a word it does have.
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, op_flags);
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, waitid_flags);
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, futex_flags);
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, install_fd_flags);
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, nop_flags);
  EXPECT_FIELD(io_uring_sqe, rw_flags, Sqe, pipe_flags);
  EXPECT_EQ(offsetof(Sqe, level), offsetof(io_uring_sqe, addr));
  EXPECT_EQ(offsetof(Sqe, optname), offsetof(io_uring_sqe, addr) + 4);
  EXPECT_FIELD(io_uring_sqe, file_index, Sqe, optlen);
  EXPECT_FIELD(io_uring_sqe, file_index, Sqe, zcrx_ifq_idx);
  EXPECT_FIELD(io_uring_sqe, addr3, Sqe, optval);
  EXPECT_FIELD(io_uring_sqe, addr3, Sqe, attr_ptr);
  EXPECT_FIELD(io_uring_sqe, __pad2, Sqe, attr_type_mask);

  // Cqe, and the 32-byte entry whose tail the kernel calls big_cqe[].
  EXPECT_SAME_STRUCT(io_uring_cqe, Cqe);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe, user_data);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe, res);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe, flags);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe32, user_data);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe32, res);
  EXPECT_SAME_FIELD(io_uring_cqe, Cqe32, flags);
  EXPECT_EQ(offsetof(io_uring_cqe, big_cqe), offsetof(Cqe32, big_cqe));
  EXPECT_EQ(sizeof(Cqe32), 2 * sizeof(io_uring_cqe));

  EXPECT_SAME_STRUCT(io_sqring_offsets, SqringOffsets);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, head);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, tail);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, ring_mask);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, ring_entries);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, flags);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, dropped);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, array);
  EXPECT_SAME_FIELD(io_sqring_offsets, SqringOffsets, resv1);
  EXPECT_FIELD(io_sqring_offsets, resv2, SqringOffsets, user_addr);

  EXPECT_SAME_STRUCT(io_cqring_offsets, CqringOffsets);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, head);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, tail);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, ring_mask);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, ring_entries);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, overflow);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, cqes);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, flags);
  EXPECT_SAME_FIELD(io_cqring_offsets, CqringOffsets, resv1);
  EXPECT_FIELD(io_cqring_offsets, resv2, CqringOffsets, user_addr);

  EXPECT_SAME_STRUCT(io_uring_params, Params);
  EXPECT_SAME_FIELD(io_uring_params, Params, sq_entries);
  EXPECT_SAME_FIELD(io_uring_params, Params, cq_entries);
  EXPECT_SAME_FIELD(io_uring_params, Params, flags);
  EXPECT_SAME_FIELD(io_uring_params, Params, sq_thread_cpu);
  EXPECT_SAME_FIELD(io_uring_params, Params, sq_thread_idle);
  EXPECT_SAME_FIELD(io_uring_params, Params, features);
  EXPECT_SAME_FIELD(io_uring_params, Params, wq_fd);
  EXPECT_SAME_FIELD(io_uring_params, Params, resv);
  EXPECT_SAME_FIELD(io_uring_params, Params, sq_off);
  EXPECT_SAME_FIELD(io_uring_params, Params, cq_off);

  EXPECT_SAME_STRUCT(io_uring_files_update, FilesUpdate);
  EXPECT_SAME_FIELD(io_uring_files_update, FilesUpdate, offset);
  EXPECT_SAME_FIELD(io_uring_files_update, FilesUpdate, resv);
  EXPECT_SAME_FIELD(io_uring_files_update, FilesUpdate, fds);

  EXPECT_SAME_STRUCT(io_uring_rsrc_register, RsrcRegister);
  EXPECT_SAME_FIELD(io_uring_rsrc_register, RsrcRegister, nr);
  EXPECT_SAME_FIELD(io_uring_rsrc_register, RsrcRegister, flags);
  EXPECT_SAME_FIELD(io_uring_rsrc_register, RsrcRegister, resv2);
  EXPECT_SAME_FIELD(io_uring_rsrc_register, RsrcRegister, data);
  EXPECT_SAME_FIELD(io_uring_rsrc_register, RsrcRegister, tags);

  EXPECT_SAME_STRUCT(io_uring_rsrc_update, RsrcUpdate);
  EXPECT_SAME_FIELD(io_uring_rsrc_update, RsrcUpdate, offset);
  EXPECT_SAME_FIELD(io_uring_rsrc_update, RsrcUpdate, resv);
  EXPECT_SAME_FIELD(io_uring_rsrc_update, RsrcUpdate, data);

  EXPECT_SAME_STRUCT(io_uring_rsrc_update2, RsrcUpdate2);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, offset);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, resv);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, data);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, tags);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, nr);
  EXPECT_SAME_FIELD(io_uring_rsrc_update2, RsrcUpdate2, resv2);

  EXPECT_SAME_STRUCT(io_uring_probe_op, ProbeOp);
  EXPECT_SAME_FIELD(io_uring_probe_op, ProbeOp, op);
  EXPECT_SAME_FIELD(io_uring_probe_op, ProbeOp, resv);
  EXPECT_SAME_FIELD(io_uring_probe_op, ProbeOp, flags);
  EXPECT_SAME_FIELD(io_uring_probe_op, ProbeOp, resv2);

  // Probe is the kernel struct minus its flexible ops[]: the array must
  // start exactly where our header ends.
  EXPECT_SAME_STRUCT(io_uring_probe, Probe);
  EXPECT_SAME_FIELD(io_uring_probe, Probe, last_op);
  EXPECT_SAME_FIELD(io_uring_probe, Probe, ops_len);
  EXPECT_SAME_FIELD(io_uring_probe, Probe, resv);
  EXPECT_SAME_FIELD(io_uring_probe, Probe, resv2);
  EXPECT_EQ(offsetof(io_uring_probe, ops), sizeof(Probe));
  struct ProbeBuffer {
    Probe header;
    ProbeOp ops[kMaxProbeOps];
  };
  EXPECT_EQ(offsetof(ProbeBuffer, ops), offsetof(io_uring_probe, ops));

  EXPECT_SAME_STRUCT(io_uring_restriction, Restriction);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, opcode);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, register_op);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, sqe_op);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, sqe_flags);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, resv);
  EXPECT_SAME_FIELD(io_uring_restriction, Restriction, resv2);

  EXPECT_SAME_STRUCT(io_uring_buf, Buf);
  EXPECT_SAME_FIELD(io_uring_buf, Buf, addr);
  EXPECT_SAME_FIELD(io_uring_buf, Buf, len);
  EXPECT_SAME_FIELD(io_uring_buf, Buf, bid);
  EXPECT_SAME_FIELD(io_uring_buf, Buf, resv);

  // The tail overlay of io_uring_buf_ring, and where it lands in bufs[0].
  EXPECT_SAME_STRUCT(io_uring_buf_ring, BufRingHeader);
  EXPECT_SAME_FIELD(io_uring_buf_ring, BufRingHeader, resv1);
  EXPECT_SAME_FIELD(io_uring_buf_ring, BufRingHeader, resv2);
  EXPECT_SAME_FIELD(io_uring_buf_ring, BufRingHeader, resv3);
  EXPECT_SAME_FIELD(io_uring_buf_ring, BufRingHeader, tail);
  // Not compared: offsetof(io_uring_buf_ring, bufs). The 6.1 header builds
  // that flexible array behind an empty struct, which C gives size 0 and C++
  // size 1, so in C++ `bufs` lands at 8 instead of 0 — one more reason zring
  // does not use the kernel header.
  EXPECT_EQ(offsetof(io_uring_buf_ring, tail), kBufRingTailOffset);
  EXPECT_EQ(offsetof(io_uring_buf_ring, tail), offsetof(io_uring_buf, resv));

  EXPECT_SAME_STRUCT(io_uring_buf_reg, BufReg);
  EXPECT_SAME_FIELD(io_uring_buf_reg, BufReg, ring_addr);
  EXPECT_SAME_FIELD(io_uring_buf_reg, BufReg, ring_entries);
  EXPECT_SAME_FIELD(io_uring_buf_reg, BufReg, bgid);
  EXPECT_FIELD(io_uring_buf_reg, pad, BufReg, flags);
  EXPECT_SAME_FIELD(io_uring_buf_reg, BufReg, resv);

  EXPECT_SAME_STRUCT(io_uring_getevents_arg, GetEventsArg);
  EXPECT_SAME_FIELD(io_uring_getevents_arg, GetEventsArg, sigmask);
  EXPECT_SAME_FIELD(io_uring_getevents_arg, GetEventsArg, sigmask_sz);
  EXPECT_FIELD(io_uring_getevents_arg, pad, GetEventsArg, min_wait_usec);
  EXPECT_SAME_FIELD(io_uring_getevents_arg, GetEventsArg, ts);

  // 6.1 still had `__u64 pad[4]` where `opcode`, `pad` and `pad2` are now.
  EXPECT_SAME_STRUCT(io_uring_sync_cancel_reg, SyncCancelReg);
  EXPECT_SAME_FIELD(io_uring_sync_cancel_reg, SyncCancelReg, addr);
  EXPECT_SAME_FIELD(io_uring_sync_cancel_reg, SyncCancelReg, fd);
  EXPECT_SAME_FIELD(io_uring_sync_cancel_reg, SyncCancelReg, flags);
  EXPECT_SAME_FIELD(io_uring_sync_cancel_reg, SyncCancelReg, timeout);
  EXPECT_EQ(offsetof(io_uring_sync_cancel_reg, pad),
            offsetof(SyncCancelReg, opcode));

  EXPECT_SAME_STRUCT(io_uring_file_index_range, FileIndexRange);
  EXPECT_SAME_FIELD(io_uring_file_index_range, FileIndexRange, off);
  EXPECT_SAME_FIELD(io_uring_file_index_range, FileIndexRange, len);
  EXPECT_SAME_FIELD(io_uring_file_index_range, FileIndexRange, resv);

  EXPECT_SAME_STRUCT(io_uring_recvmsg_out, RecvmsgOut);
  EXPECT_SAME_FIELD(io_uring_recvmsg_out, RecvmsgOut, namelen);
  EXPECT_SAME_FIELD(io_uring_recvmsg_out, RecvmsgOut, controllen);
  EXPECT_SAME_FIELD(io_uring_recvmsg_out, RecvmsgOut, payloadlen);
  EXPECT_SAME_FIELD(io_uring_recvmsg_out, RecvmsgOut, flags);

  EXPECT_SAME_STRUCT(__kernel_timespec, KernelTimespec);
  EXPECT_SAME_FIELD(__kernel_timespec, KernelTimespec, tv_sec);
  EXPECT_SAME_FIELD(__kernel_timespec, KernelTimespec, tv_nsec);

  EXPECT_SAME_STRUCT(futex_waitv, FutexWaitv);
  EXPECT_SAME_FIELD(futex_waitv, FutexWaitv, val);
  EXPECT_SAME_FIELD(futex_waitv, FutexWaitv, uaddr);
  EXPECT_SAME_FIELD(futex_waitv, FutexWaitv, flags);
  EXPECT_FIELD(futex_waitv, __reserved, FutexWaitv, reserved);
}

TEST(Abi, Opcodes) {
  EXPECT_ABI(Op::kNop, IORING_OP_NOP);
  EXPECT_ABI(Op::kReadv, IORING_OP_READV);
  EXPECT_ABI(Op::kWritev, IORING_OP_WRITEV);
  EXPECT_ABI(Op::kFsync, IORING_OP_FSYNC);
  EXPECT_ABI(Op::kReadFixed, IORING_OP_READ_FIXED);
  EXPECT_ABI(Op::kWriteFixed, IORING_OP_WRITE_FIXED);
  EXPECT_ABI(Op::kPollAdd, IORING_OP_POLL_ADD);
  EXPECT_ABI(Op::kPollRemove, IORING_OP_POLL_REMOVE);
  EXPECT_ABI(Op::kSyncFileRange, IORING_OP_SYNC_FILE_RANGE);
  EXPECT_ABI(Op::kSendmsg, IORING_OP_SENDMSG);
  EXPECT_ABI(Op::kRecvmsg, IORING_OP_RECVMSG);
  EXPECT_ABI(Op::kTimeout, IORING_OP_TIMEOUT);
  EXPECT_ABI(Op::kTimeoutRemove, IORING_OP_TIMEOUT_REMOVE);
  EXPECT_ABI(Op::kAccept, IORING_OP_ACCEPT);
  EXPECT_ABI(Op::kAsyncCancel, IORING_OP_ASYNC_CANCEL);
  EXPECT_ABI(Op::kLinkTimeout, IORING_OP_LINK_TIMEOUT);
  EXPECT_ABI(Op::kConnect, IORING_OP_CONNECT);
  EXPECT_ABI(Op::kFallocate, IORING_OP_FALLOCATE);
  EXPECT_ABI(Op::kOpenat, IORING_OP_OPENAT);
  EXPECT_ABI(Op::kClose, IORING_OP_CLOSE);
  EXPECT_ABI(Op::kFilesUpdate, IORING_OP_FILES_UPDATE);
  EXPECT_ABI(Op::kStatx, IORING_OP_STATX);
  EXPECT_ABI(Op::kRead, IORING_OP_READ);
  EXPECT_ABI(Op::kWrite, IORING_OP_WRITE);
  EXPECT_ABI(Op::kFadvise, IORING_OP_FADVISE);
  EXPECT_ABI(Op::kMadvise, IORING_OP_MADVISE);
  EXPECT_ABI(Op::kSend, IORING_OP_SEND);
  EXPECT_ABI(Op::kRecv, IORING_OP_RECV);
  EXPECT_ABI(Op::kOpenat2, IORING_OP_OPENAT2);
  EXPECT_ABI(Op::kEpollCtl, IORING_OP_EPOLL_CTL);
  EXPECT_ABI(Op::kSplice, IORING_OP_SPLICE);
  EXPECT_ABI(Op::kProvideBuffers, IORING_OP_PROVIDE_BUFFERS);
  EXPECT_ABI(Op::kRemoveBuffers, IORING_OP_REMOVE_BUFFERS);
  EXPECT_ABI(Op::kTee, IORING_OP_TEE);
  EXPECT_ABI(Op::kShutdown, IORING_OP_SHUTDOWN);
  EXPECT_ABI(Op::kRenameat, IORING_OP_RENAMEAT);
  EXPECT_ABI(Op::kUnlinkat, IORING_OP_UNLINKAT);
  EXPECT_ABI(Op::kMkdirat, IORING_OP_MKDIRAT);
  EXPECT_ABI(Op::kSymlinkat, IORING_OP_SYMLINKAT);
  EXPECT_ABI(Op::kLinkat, IORING_OP_LINKAT);
  EXPECT_ABI(Op::kMsgRing, IORING_OP_MSG_RING);
  EXPECT_ABI(Op::kFsetxattr, IORING_OP_FSETXATTR);
  EXPECT_ABI(Op::kSetxattr, IORING_OP_SETXATTR);
  EXPECT_ABI(Op::kFgetxattr, IORING_OP_FGETXATTR);
  EXPECT_ABI(Op::kGetxattr, IORING_OP_GETXATTR);
  EXPECT_ABI(Op::kSocket, IORING_OP_SOCKET);
  EXPECT_ABI(Op::kUringCmd, IORING_OP_URING_CMD);
  EXPECT_ABI(Op::kSendZc, IORING_OP_SEND_ZC);
  EXPECT_ABI(Op::kSendmsgZc, IORING_OP_SENDMSG_ZC);
  // The first opcode after 6.1 took the number 6.1 called LAST.
  EXPECT_ABI(Op::kReadMultishot, IORING_OP_LAST);
}

// Every Op in declaration order. The kernel numbers opcodes by position, so
// a gap or a repeat here would shift every later opcode.
// clang-format off
constexpr std::array kAllOps = {
    Op::kNop, Op::kReadv, Op::kWritev, Op::kFsync, Op::kReadFixed,
    Op::kWriteFixed, Op::kPollAdd, Op::kPollRemove, Op::kSyncFileRange,
    Op::kSendmsg, Op::kRecvmsg, Op::kTimeout, Op::kTimeoutRemove, Op::kAccept,
    Op::kAsyncCancel, Op::kLinkTimeout, Op::kConnect, Op::kFallocate,
    Op::kOpenat, Op::kClose, Op::kFilesUpdate, Op::kStatx, Op::kRead,
    Op::kWrite, Op::kFadvise, Op::kMadvise, Op::kSend, Op::kRecv, Op::kOpenat2,
    Op::kEpollCtl, Op::kSplice, Op::kProvideBuffers, Op::kRemoveBuffers,
    Op::kTee, Op::kShutdown, Op::kRenameat, Op::kUnlinkat, Op::kMkdirat,
    Op::kSymlinkat, Op::kLinkat, Op::kMsgRing, Op::kFsetxattr, Op::kSetxattr,
    Op::kFgetxattr, Op::kGetxattr, Op::kSocket, Op::kUringCmd, Op::kSendZc,
    Op::kSendmsgZc, Op::kReadMultishot, Op::kWaitid, Op::kFutexWait,
    Op::kFutexWake, Op::kFutexWaitv, Op::kFixedFdInstall, Op::kFtruncate,
    Op::kBind, Op::kListen, Op::kRecvZc, Op::kEpollWait, Op::kReadvFixed,
    Op::kWritevFixed, Op::kPipe
};
// clang-format on

TEST(Abi, OpcodesAreDenseUpToLast) {
  for (size_t i = 0; i < kAllOps.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(kAllOps[i]), i) << "opcode #" << i;
  }
  EXPECT_EQ(kAllOps.size(), static_cast<size_t>(Op::kLast));
  // A 6.18 kernel's IORING_REGISTER_PROBE reports last_op 62 (PIPE) and
  // IORING_REGISTER_QUERY 63 request opcodes.
  EXPECT_EQ(static_cast<unsigned>(Op::kPipe), 62u);
  EXPECT_EQ(static_cast<unsigned>(Op::kLast), 63u);
  // ProbeOp::op and Probe::last_op are bytes.
  EXPECT_LE(static_cast<unsigned>(Op::kLast), kMaxProbeOps);
}

TEST(Abi, SetupFlags) {
  EXPECT_ABI(kSetupIopoll, IORING_SETUP_IOPOLL);
  EXPECT_ABI(kSetupSqpoll, IORING_SETUP_SQPOLL);
  EXPECT_ABI(kSetupSqAff, IORING_SETUP_SQ_AFF);
  EXPECT_ABI(kSetupCqsize, IORING_SETUP_CQSIZE);
  EXPECT_ABI(kSetupClamp, IORING_SETUP_CLAMP);
  EXPECT_ABI(kSetupAttachWq, IORING_SETUP_ATTACH_WQ);
  EXPECT_ABI(kSetupRDisabled, IORING_SETUP_R_DISABLED);
  EXPECT_ABI(kSetupSubmitAll, IORING_SETUP_SUBMIT_ALL);
  EXPECT_ABI(kSetupCoopTaskrun, IORING_SETUP_COOP_TASKRUN);
  EXPECT_ABI(kSetupTaskrunFlag, IORING_SETUP_TASKRUN_FLAG);
  EXPECT_ABI(kSetupSqe128, IORING_SETUP_SQE128);
  EXPECT_ABI(kSetupCqe32, IORING_SETUP_CQE32);
  EXPECT_ABI(kSetupSingleIssuer, IORING_SETUP_SINGLE_ISSUER);
  EXPECT_ABI(kSetupDeferTaskrun, IORING_SETUP_DEFER_TASKRUN);
}

TEST(Abi, EnterFlags) {
  EXPECT_ABI(kEnterGetevents, IORING_ENTER_GETEVENTS);
  EXPECT_ABI(kEnterSqWakeup, IORING_ENTER_SQ_WAKEUP);
  EXPECT_ABI(kEnterSqWait, IORING_ENTER_SQ_WAIT);
  EXPECT_ABI(kEnterExtArg, IORING_ENTER_EXT_ARG);
  EXPECT_ABI(kEnterRegisteredRing, IORING_ENTER_REGISTERED_RING);
}

TEST(Abi, Features) {
  EXPECT_ABI(kFeatSingleMmap, IORING_FEAT_SINGLE_MMAP);
  EXPECT_ABI(kFeatNodrop, IORING_FEAT_NODROP);
  EXPECT_ABI(kFeatSubmitStable, IORING_FEAT_SUBMIT_STABLE);
  EXPECT_ABI(kFeatRwCurPos, IORING_FEAT_RW_CUR_POS);
  EXPECT_ABI(kFeatCurPersonality, IORING_FEAT_CUR_PERSONALITY);
  EXPECT_ABI(kFeatFastPoll, IORING_FEAT_FAST_POLL);
  EXPECT_ABI(kFeatPoll32bits, IORING_FEAT_POLL_32BITS);
  EXPECT_ABI(kFeatSqpollNonfixed, IORING_FEAT_SQPOLL_NONFIXED);
  EXPECT_ABI(kFeatExtArg, IORING_FEAT_EXT_ARG);
  EXPECT_ABI(kFeatNativeWorkers, IORING_FEAT_NATIVE_WORKERS);
  EXPECT_ABI(kFeatRsrcTags, IORING_FEAT_RSRC_TAGS);
  EXPECT_ABI(kFeatCqeSkip, IORING_FEAT_CQE_SKIP);
  EXPECT_ABI(kFeatLinkedFile, IORING_FEAT_LINKED_FILE);
}

TEST(Abi, SqeFlags) {
  EXPECT_ABI(kSqeFixedFile, IOSQE_FIXED_FILE);
  EXPECT_ABI(kSqeIoDrain, IOSQE_IO_DRAIN);
  EXPECT_ABI(kSqeIoLink, IOSQE_IO_LINK);
  EXPECT_ABI(kSqeIoHardlink, IOSQE_IO_HARDLINK);
  EXPECT_ABI(kSqeAsync, IOSQE_ASYNC);
  EXPECT_ABI(kSqeBufferSelect, IOSQE_BUFFER_SELECT);
  EXPECT_ABI(kSqeCqeSkipSuccess, IOSQE_CQE_SKIP_SUCCESS);
  EXPECT_ABI(kFileIndexAlloc, IORING_FILE_INDEX_ALLOC);
}

TEST(Abi, CqeFlags) {
  EXPECT_ABI(kCqeFBuffer, IORING_CQE_F_BUFFER);
  EXPECT_ABI(kCqeFMore, IORING_CQE_F_MORE);
  EXPECT_ABI(kCqeFSockNonempty, IORING_CQE_F_SOCK_NONEMPTY);
  EXPECT_ABI(kCqeFNotif, IORING_CQE_F_NOTIF);
  EXPECT_ABI(kCqeBufferShift, IORING_CQE_BUFFER_SHIFT);
  EXPECT_ABI(kNotifUsageZcCopied, IORING_NOTIF_USAGE_ZC_COPIED);
}

TEST(Abi, RingFlags) {
  EXPECT_ABI(kSqNeedWakeup, IORING_SQ_NEED_WAKEUP);
  EXPECT_ABI(kSqCqOverflow, IORING_SQ_CQ_OVERFLOW);
  EXPECT_ABI(kSqTaskrun, IORING_SQ_TASKRUN);
  EXPECT_ABI(kCqEventfdDisabled, IORING_CQ_EVENTFD_DISABLED);
}

TEST(Abi, RegisterOps) {
  EXPECT_ABI(kRegisterBuffers, IORING_REGISTER_BUFFERS);
  EXPECT_ABI(kUnregisterBuffers, IORING_UNREGISTER_BUFFERS);
  EXPECT_ABI(kRegisterFiles, IORING_REGISTER_FILES);
  EXPECT_ABI(kUnregisterFiles, IORING_UNREGISTER_FILES);
  EXPECT_ABI(kRegisterEventfd, IORING_REGISTER_EVENTFD);
  EXPECT_ABI(kUnregisterEventfd, IORING_UNREGISTER_EVENTFD);
  EXPECT_ABI(kRegisterFilesUpdate, IORING_REGISTER_FILES_UPDATE);
  EXPECT_ABI(kRegisterEventfdAsync, IORING_REGISTER_EVENTFD_ASYNC);
  EXPECT_ABI(kRegisterProbe, IORING_REGISTER_PROBE);
  EXPECT_ABI(kRegisterPersonality, IORING_REGISTER_PERSONALITY);
  EXPECT_ABI(kUnregisterPersonality, IORING_UNREGISTER_PERSONALITY);
  EXPECT_ABI(kRegisterRestrictions, IORING_REGISTER_RESTRICTIONS);
  EXPECT_ABI(kRegisterEnableRings, IORING_REGISTER_ENABLE_RINGS);
  EXPECT_ABI(kRegisterFiles2, IORING_REGISTER_FILES2);
  EXPECT_ABI(kRegisterFilesUpdate2, IORING_REGISTER_FILES_UPDATE2);
  EXPECT_ABI(kRegisterBuffers2, IORING_REGISTER_BUFFERS2);
  EXPECT_ABI(kRegisterBuffersUpdate, IORING_REGISTER_BUFFERS_UPDATE);
  EXPECT_ABI(kRegisterIowqAff, IORING_REGISTER_IOWQ_AFF);
  EXPECT_ABI(kUnregisterIowqAff, IORING_UNREGISTER_IOWQ_AFF);
  EXPECT_ABI(kRegisterIowqMaxWorkers, IORING_REGISTER_IOWQ_MAX_WORKERS);
  EXPECT_ABI(kRegisterRingFds, IORING_REGISTER_RING_FDS);
  EXPECT_ABI(kUnregisterRingFds, IORING_UNREGISTER_RING_FDS);
  EXPECT_ABI(kRegisterPbufRing, IORING_REGISTER_PBUF_RING);
  EXPECT_ABI(kUnregisterPbufRing, IORING_UNREGISTER_PBUF_RING);
  EXPECT_ABI(kRegisterSyncCancel, IORING_REGISTER_SYNC_CANCEL);
  EXPECT_ABI(kRegisterFileAllocRange, IORING_REGISTER_FILE_ALLOC_RANGE);
  // The first register opcode after 6.1 took the number 6.1 called LAST.
  EXPECT_ABI(kRegisterPbufStatus, IORING_REGISTER_LAST);

  EXPECT_ABI(kIoWqBound, IO_WQ_BOUND);
  EXPECT_ABI(kIoWqUnbound, IO_WQ_UNBOUND);
  EXPECT_ABI(kRsrcRegisterSparse, IORING_RSRC_REGISTER_SPARSE);
  EXPECT_ABI(kRegisterFilesSkip, IORING_REGISTER_FILES_SKIP);
  EXPECT_EQ(kRegisterFilesSkip, -2);
  EXPECT_ABI(kIoUringOpSupported, IO_URING_OP_SUPPORTED);

  EXPECT_ABI(kRestrictionRegisterOp, IORING_RESTRICTION_REGISTER_OP);
  EXPECT_ABI(kRestrictionSqeOp, IORING_RESTRICTION_SQE_OP);
  EXPECT_ABI(kRestrictionSqeFlagsAllowed, IORING_RESTRICTION_SQE_FLAGS_ALLOWED);
  EXPECT_ABI(kRestrictionSqeFlagsRequired,
             IORING_RESTRICTION_SQE_FLAGS_REQUIRED);
  EXPECT_ABI(kRestrictionLast, IORING_RESTRICTION_LAST);
}

TEST(Abi, OpFlags) {
  EXPECT_ABI(kUringCmdFixed, IORING_URING_CMD_FIXED);
  EXPECT_ABI(kFsyncDatasync, IORING_FSYNC_DATASYNC);

  EXPECT_ABI(kTimeoutAbs, IORING_TIMEOUT_ABS);
  EXPECT_ABI(kTimeoutUpdate, IORING_TIMEOUT_UPDATE);
  EXPECT_ABI(kTimeoutBoottime, IORING_TIMEOUT_BOOTTIME);
  EXPECT_ABI(kTimeoutRealtime, IORING_TIMEOUT_REALTIME);
  EXPECT_ABI(kLinkTimeoutUpdate, IORING_LINK_TIMEOUT_UPDATE);
  EXPECT_ABI(kTimeoutEtimeSuccess, IORING_TIMEOUT_ETIME_SUCCESS);
  EXPECT_ABI(kTimeoutClockMask, IORING_TIMEOUT_CLOCK_MASK);
  EXPECT_ABI(kTimeoutUpdateMask, IORING_TIMEOUT_UPDATE_MASK);

  EXPECT_ABI(kSpliceFFdInFixed, SPLICE_F_FD_IN_FIXED);

  EXPECT_ABI(kPollAddMulti, IORING_POLL_ADD_MULTI);
  EXPECT_ABI(kPollUpdateEvents, IORING_POLL_UPDATE_EVENTS);
  EXPECT_ABI(kPollUpdateUserData, IORING_POLL_UPDATE_USER_DATA);
  EXPECT_ABI(kPollAddLevel, IORING_POLL_ADD_LEVEL);

  EXPECT_ABI(kAsyncCancelAll, IORING_ASYNC_CANCEL_ALL);
  EXPECT_ABI(kAsyncCancelFd, IORING_ASYNC_CANCEL_FD);
  EXPECT_ABI(kAsyncCancelAny, IORING_ASYNC_CANCEL_ANY);
  EXPECT_ABI(kAsyncCancelFdFixed, IORING_ASYNC_CANCEL_FD_FIXED);
  EXPECT_ABI(kAsyncCancelUserdata, IORING_ASYNC_CANCEL_USERDATA);
  EXPECT_ABI(kAsyncCancelOp, IORING_ASYNC_CANCEL_OP);

  EXPECT_ABI(kRecvsendPollFirst, IORING_RECVSEND_POLL_FIRST);
  EXPECT_ABI(kRecvMultishot, IORING_RECV_MULTISHOT);
  EXPECT_ABI(kRecvsendFixedBuf, IORING_RECVSEND_FIXED_BUF);
  EXPECT_ABI(kSendZcReportUsage, IORING_SEND_ZC_REPORT_USAGE);

  EXPECT_ABI(kAcceptMultishot, IORING_ACCEPT_MULTISHOT);

  EXPECT_ABI(kMsgData, IORING_MSG_DATA);
  EXPECT_ABI(kMsgSendFd, IORING_MSG_SEND_FD);
  EXPECT_ABI(kMsgRingCqeSkip, IORING_MSG_RING_CQE_SKIP);

  // From <linux/futex.h>: futex2's private flag is futex(2)'s, and the
  // waitv limit is the same for the syscall and the io_uring opcode.
  EXPECT_ABI(kFutex2Private, FUTEX_PRIVATE_FLAG);
  EXPECT_ABI(kFutexWaitvMax, FUTEX_WAITV_MAX);
}

TEST(Abi, MmapOffsets) {
  EXPECT_ABI(kOffSqRing, IORING_OFF_SQ_RING);
  EXPECT_ABI(kOffCqRing, IORING_OFF_CQ_RING);
  EXPECT_ABI(kOffSqes, IORING_OFF_SQES);
  EXPECT_ABI(kOffMmapMask, IORING_OFF_MMAP_MASK);
  // Every magic offset must survive the kernel's mask, or it would be read
  // as a different region.
  for (uint64_t off : {kOffSqRing, kOffCqRing, kOffSqes, kOffPbufRing}) {
    EXPECT_EQ(off & kOffMmapMask, off) << off;
  }
  // The kernel reads a buffer group id back as the bits between the shift
  // and the mask: 11 bits, so only groups 0..2047 can be mapped this way.
  EXPECT_EQ((uint64_t{kMaxMmapPbufGroup} << kOffPbufShift) & kOffMmapMask, 0u);
  EXPECT_NE((uint64_t{kMaxMmapPbufGroup + 1} << kOffPbufShift) & kOffMmapMask,
            0u);
}

// The flag families as a whole, for the values newer than 6.1 that the
// header cannot check: each family must be contiguous single bits with no
// repeats, and its union must be exactly the mask a 6.18 kernel returns from
// IORING_REGISTER_QUERY (ring_setup_flags 0x7ffff, enter_flags 0xff,
// feature_flags 0x3ffff, sqe_flags 0x7f).
uint64_t UnionOfDistinctBits(std::initializer_list<uint64_t> flags) {
  uint64_t all = 0;
  for (uint64_t f : flags) {
    EXPECT_EQ(std::popcount(f), 1) << f;
    EXPECT_EQ(all & f, 0u) << "bit used twice: " << f;
    all |= f;
  }
  return all;
}

TEST(Abi, NewerThan61) {
  EXPECT_EQ(
      UnionOfDistinctBits(
          {kSetupIopoll, kSetupSqpoll, kSetupSqAff, kSetupCqsize, kSetupClamp,
           kSetupAttachWq, kSetupRDisabled, kSetupSubmitAll, kSetupCoopTaskrun,
           kSetupTaskrunFlag, kSetupSqe128, kSetupCqe32, kSetupSingleIssuer,
           kSetupDeferTaskrun, kSetupNoMmap, kSetupRegisteredFdOnly,
           kSetupNoSqarray, kSetupHybridIopoll, kSetupCqeMixed}),
      0x7ffffu);
  EXPECT_EQ(
      UnionOfDistinctBits({kEnterGetevents, kEnterSqWakeup, kEnterSqWait,
                           kEnterExtArg, kEnterRegisteredRing, kEnterAbsTimer,
                           kEnterExtArgReg, kEnterNoIowait}),
      0xffu);
  EXPECT_EQ(
      UnionOfDistinctBits(
          {kFeatSingleMmap, kFeatNodrop, kFeatSubmitStable, kFeatRwCurPos,
           kFeatCurPersonality, kFeatFastPoll, kFeatPoll32bits,
           kFeatSqpollNonfixed, kFeatExtArg, kFeatNativeWorkers, kFeatRsrcTags,
           kFeatCqeSkip, kFeatLinkedFile, kFeatRegRegRing, kFeatRecvsendBundle,
           kFeatMinTimeout, kFeatRwAttr, kFeatNoIowait}),
      0x3ffffu);
  EXPECT_EQ(UnionOfDistinctBits({kSqeFixedFile, kSqeIoDrain, kSqeIoLink,
                                 kSqeIoHardlink, kSqeAsync, kSqeBufferSelect,
                                 kSqeCqeSkipSuccess}),
            0x7fu);

  // The register opcodes are numbered like the SQE ones; 6.18 reports 36
  // of them through IORING_REGISTER_QUERY.
  EXPECT_EQ(kRegisterPbufStatus, 26u);
  EXPECT_EQ(kRegisterNapi, 27u);
  EXPECT_EQ(kUnregisterNapi, 28u);
  EXPECT_EQ(kRegisterClock, 29u);
  EXPECT_EQ(kRegisterCloneBuffers, 30u);
  EXPECT_EQ(kRegisterSendMsgRing, 31u);
  EXPECT_EQ(kRegisterZcrxIfq, 32u);
  EXPECT_EQ(kRegisterResizeRings, 33u);
  EXPECT_EQ(kRegisterMemRegion, 34u);
  EXPECT_EQ(kRegisterQuery, 35u);
  EXPECT_EQ(kRegisterLast, 36u);
  EXPECT_EQ(kRegisterUseRegisteredRing, 0x80000000u);

  // Completion flags: the low bits grow upwards, the CQE32 marker sits just
  // below the 16 bits that carry a buffer id.
  EXPECT_EQ(UnionOfDistinctBits({kCqeFBuffer, kCqeFMore, kCqeFSockNonempty,
                                 kCqeFNotif, kCqeFBufMore, kCqeFSkip}),
            0x3fu);
  EXPECT_EQ(kCqeF32, 1u << 15);
  EXPECT_LT(kCqeF32, 1u << kCqeBufferShift);

  EXPECT_EQ(kOffPbufRing, 0x80000000u);
  EXPECT_EQ(kOffPbufShift, 16u);
  EXPECT_EQ(kIouPbufRingMmap, 1u);
  EXPECT_EQ(kIouPbufRingInc, 2u);

  EXPECT_EQ(UnionOfDistinctBits({kRecvsendPollFirst, kRecvMultishot,
                                 kRecvsendFixedBuf, kSendZcReportUsage,
                                 kRecvsendBundle, kSendVectorized}),
            0x3fu);
  EXPECT_EQ(UnionOfDistinctBits(
                {kAcceptMultishot, kAcceptDontwait, kAcceptPollFirst}),
            0x7u);
  EXPECT_EQ(UnionOfDistinctBits({kNopInjectResult, kNopFile, kNopFixedFile,
                                 kNopFixedBuffer, kNopTw, kNopCqe32}),
            0x3fu);
  EXPECT_EQ(kTimeoutMultishot, 1u << 6);
  EXPECT_EQ(kMsgRingFlagsPass, 1u << 1);
  EXPECT_EQ(kUringCmdMultishot, 1u << 1);
  EXPECT_EQ(kUringCmdMask, 0x3u);

  EXPECT_EQ(kFutex2SizeU32, 0x02u);
  EXPECT_EQ(kFutex2SizeMask, 0x03u);
  EXPECT_EQ(kFutex2Private, 128u);

  EXPECT_EQ(kMaxEntries, 32768u);
  EXPECT_EQ(kMaxCqEntries, 65536u);
}

}  // namespace
}  // namespace zring::ring::abi
