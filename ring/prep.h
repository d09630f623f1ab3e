// zring/ring/prep.h — filling SQEs, one small inline function per opcode.
//
// Every function overwrites the whole SQE (get_sqe() hands out stale ones),
// and all of them go through prep_rw(), the one routine that writes the
// common fields. The caller sets user_data afterwards, and SQE flags with
// the set_* helpers at the bottom.
//
//   abi::Sqe* sqe = ring.get_sqe();
//   ring::prep_recv(sqe, fd, buf, sizeof buf, 0);
//   ring::set_user_data(sqe, token);
//   ring::set_link(sqe);                 // the next SQE runs after this one
//
// Pointers and lengths are stored, not copied: what they point to must
// stay valid until the CQE arrives (until submission for the iovec array of
// readv/writev and the msghdr of sendmsg on kernels with FEAT_SUBMIT_STABLE).
#pragma once

#include <cstdint>

#include "zring/core/socket.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"

namespace zring::ring {

// prep_rw()
//
// The common fill: every other prep_* function calls this first, then sets
// the opcode-specific fields.
[[gnu::always_inline]] inline void prep_rw(abi::Op op, abi::Sqe* sqe, int fd,
                                           const void* addr, uint32_t len,
                                           uint64_t offset) noexcept {
  sqe->opcode = static_cast<uint8_t>(op);
  sqe->flags = 0;
  sqe->ioprio = 0;
  sqe->fd = fd;
  sqe->off = offset;
  sqe->addr = reinterpret_cast<uint64_t>(addr);
  sqe->len = len;
  sqe->op_flags = 0;
  sqe->user_data = 0;
  sqe->buf_index = 0;
  sqe->personality = 0;
  sqe->file_index = 0;
  sqe->addr3 = 0;
  sqe->pad2[0] = 0;
}

// --- Misc ------------------------------------------------------------------

inline void prep_nop(abi::Sqe* sqe) noexcept {
  prep_rw(abi::Op::kNop, sqe, -1, nullptr, 0, 0);
}

// --- Reads and writes --------------------------------------------------------

// `offset` is the file position, or abi::kOffsetCurrent (-1) for "the
// current position" on files and the only choice on pipes and sockets.
inline void prep_read(abi::Sqe* sqe, int fd, void* buf, uint32_t len,
                      uint64_t offset) noexcept {
  prep_rw(abi::Op::kRead, sqe, fd, buf, len, offset);
}
inline void prep_write(abi::Sqe* sqe, int fd, const void* buf, uint32_t len,
                       uint64_t offset) noexcept {
  prep_rw(abi::Op::kWrite, sqe, fd, buf, len, offset);
}
inline void prep_readv(abi::Sqe* sqe, int fd, const core::IoVec* iov,
                       unsigned count, uint64_t offset, int rw_flags = 0) noexcept {
  prep_rw(abi::Op::kReadv, sqe, fd, iov, count, offset);
  sqe->op_flags = static_cast<uint32_t>(rw_flags);
}
inline void prep_writev(abi::Sqe* sqe, int fd, const core::IoVec* iov,
                        unsigned count, uint64_t offset, int rw_flags = 0) noexcept {
  prep_rw(abi::Op::kWritev, sqe, fd, iov, count, offset);
  sqe->op_flags = static_cast<uint32_t>(rw_flags);
}
// The *_fixed forms read into / write from buffer `buf_index` of the table
// given to register_buffers(); `buf` must lie inside that buffer.
inline void prep_read_fixed(abi::Sqe* sqe, int fd, void* buf, uint32_t len,
                            uint64_t offset, uint16_t buf_index) noexcept {
  prep_rw(abi::Op::kReadFixed, sqe, fd, buf, len, offset);
  sqe->buf_index = buf_index;
}
inline void prep_write_fixed(abi::Sqe* sqe, int fd, const void* buf,
                             uint32_t len, uint64_t offset,
                             uint16_t buf_index) noexcept {
  prep_rw(abi::Op::kWriteFixed, sqe, fd, buf, len, offset);
  sqe->buf_index = buf_index;
}
inline void prep_readv_fixed(abi::Sqe* sqe, int fd, const core::IoVec* iov,
                             unsigned count, uint64_t offset,
                             uint16_t buf_index) noexcept {
  prep_rw(abi::Op::kReadvFixed, sqe, fd, iov, count, offset);
  sqe->buf_index = buf_index;
}
inline void prep_writev_fixed(abi::Sqe* sqe, int fd, const core::IoVec* iov,
                              unsigned count, uint64_t offset,
                              uint16_t buf_index) noexcept {
  prep_rw(abi::Op::kWritevFixed, sqe, fd, iov, count, offset);
  sqe->buf_index = buf_index;
}
// prep_read_multishot(): reads from a pollable fd into buffers picked from
// buffer group `group`, posting a CQE per read until an error (6.7).
inline void prep_read_multishot(abi::Sqe* sqe, int fd, uint32_t len,
                                uint64_t offset, uint16_t group) noexcept {
  prep_rw(abi::Op::kReadMultishot, sqe, fd, nullptr, len, offset);
  sqe->buf_group = group;
  sqe->flags = abi::kSqeBufferSelect;
}

inline void prep_fsync(abi::Sqe* sqe, int fd, uint32_t fsync_flags = 0) noexcept {
  prep_rw(abi::Op::kFsync, sqe, fd, nullptr, 0, 0);
  sqe->op_flags = fsync_flags;
}
inline void prep_sync_file_range(abi::Sqe* sqe, int fd, uint32_t len,
                                 uint64_t offset, int flags) noexcept {
  prep_rw(abi::Op::kSyncFileRange, sqe, fd, nullptr, len, offset);
  sqe->op_flags = static_cast<uint32_t>(flags);
}
inline void prep_fallocate(abi::Sqe* sqe, int fd, int mode, uint64_t offset,
                           uint64_t len) noexcept {
  // The kernel takes the length in addr and the mode in len.
  prep_rw(abi::Op::kFallocate, sqe, fd, reinterpret_cast<const void*>(len),
          static_cast<uint32_t>(mode), offset);
}
inline void prep_fadvise(abi::Sqe* sqe, int fd, uint64_t offset, uint32_t len,
                         int advice) noexcept {
  prep_rw(abi::Op::kFadvise, sqe, fd, nullptr, len, offset);
  sqe->op_flags = static_cast<uint32_t>(advice);
}
inline void prep_madvise(abi::Sqe* sqe, void* addr, uint32_t len,
                         int advice) noexcept {
  prep_rw(abi::Op::kMadvise, sqe, -1, addr, len, 0);
  sqe->op_flags = static_cast<uint32_t>(advice);
}
inline void prep_ftruncate(abi::Sqe* sqe, int fd, uint64_t len) noexcept {
  prep_rw(abi::Op::kFtruncate, sqe, fd, nullptr, 0, len);
}

// --- Polling and timeouts ----------------------------------------------------

inline void prep_poll_add(abi::Sqe* sqe, int fd, uint32_t poll_mask) noexcept {
  prep_rw(abi::Op::kPollAdd, sqe, fd, nullptr, 0, 0);
  sqe->op_flags = poll_mask;
}
// prep_poll_multishot(): a CQE with IORING_CQE_F_MORE for every readiness
// change until cancelled or an error.
inline void prep_poll_multishot(abi::Sqe* sqe, int fd, uint32_t poll_mask) noexcept {
  prep_poll_add(sqe, fd, poll_mask);
  sqe->len = abi::kPollAddMulti;
}
inline void prep_poll_remove(abi::Sqe* sqe, uint64_t target_user_data) noexcept {
  prep_rw(abi::Op::kPollRemove, sqe, -1, nullptr, 0, 0);
  sqe->addr = target_user_data;
}
inline void prep_poll_update(abi::Sqe* sqe, uint64_t old_user_data,
                             uint64_t new_user_data, uint32_t poll_mask,
                             unsigned flags) noexcept {
  prep_rw(abi::Op::kPollRemove, sqe, -1, nullptr, flags, new_user_data);
  sqe->addr = old_user_data;
  sqe->op_flags = poll_mask;
}

// prep_timeout(): completes with ETIME when `ts` passes, or with 0 once
// `count` other CQEs have been posted (count 0: time only). `flags` takes
// abi::kTimeoutAbs and the clock flags.
inline void prep_timeout(abi::Sqe* sqe, const abi::KernelTimespec* ts,
                         unsigned count, unsigned flags) noexcept {
  prep_rw(abi::Op::kTimeout, sqe, -1, ts, 1, count);
  sqe->op_flags = flags;
}
inline void prep_timeout_remove(abi::Sqe* sqe, uint64_t target_user_data,
                                unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kTimeoutRemove, sqe, -1, nullptr, 0, 0);
  sqe->addr = target_user_data;
  sqe->op_flags = flags;
}
inline void prep_timeout_update(abi::Sqe* sqe, const abi::KernelTimespec* ts,
                                uint64_t target_user_data,
                                unsigned flags) noexcept {
  prep_rw(abi::Op::kTimeoutRemove, sqe, -1, nullptr, 0,
          reinterpret_cast<uint64_t>(ts));
  sqe->addr = target_user_data;
  sqe->op_flags = flags | abi::kTimeoutUpdate;
}
// prep_link_timeout(): placed right after an SQE marked set_link(), it
// cancels that SQE if it has not completed by `ts`.
inline void prep_link_timeout(abi::Sqe* sqe, const abi::KernelTimespec* ts,
                              unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kLinkTimeout, sqe, -1, ts, 1, 0);
  sqe->op_flags = flags;
}

// --- Cancellation ------------------------------------------------------------

// prep_cancel(): cancel the request(s) whose user_data is `target`;
// `flags` may add abi::kAsyncCancelAll.
inline void prep_cancel(abi::Sqe* sqe, uint64_t target, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kAsyncCancel, sqe, -1, nullptr, 0, 0);
  sqe->addr = target;
  sqe->op_flags = flags;
}
// prep_cancel_fd(): every request on `fd` (with kAsyncCancelAll) or the
// first one.
inline void prep_cancel_fd(abi::Sqe* sqe, int fd, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kAsyncCancel, sqe, fd, nullptr, 0, 0);
  sqe->op_flags = flags | abi::kAsyncCancelFd;
}
// prep_cancel_op(): requests of opcode `op` (6.6).
inline void prep_cancel_op(abi::Sqe* sqe, abi::Op op, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kAsyncCancel, sqe, -1, nullptr, static_cast<uint32_t>(op), 0);
  sqe->op_flags = flags | abi::kAsyncCancelOp;
}
// prep_cancel_any(): every pending request. The kernel treats ANY as ALL
// (kAsyncCancelAll adds nothing): res is the count cancelled, 0 if none.
inline void prep_cancel_any(abi::Sqe* sqe, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kAsyncCancel, sqe, -1, nullptr, 0, 0);
  sqe->op_flags = flags | abi::kAsyncCancelAny;
}

// --- Sockets -------------------------------------------------------------------

inline void prep_accept(abi::Sqe* sqe, int fd, void* addr, uint32_t* addrlen,
                        int flags) noexcept {
  prep_rw(abi::Op::kAccept, sqe, fd, addr, 0, reinterpret_cast<uint64_t>(addrlen));
  sqe->op_flags = static_cast<uint32_t>(flags);
}
// prep_accept_direct(): the new socket goes into fixed-file slot
// `file_index` (or abi::kFileIndexAlloc: the kernel picks and returns it).
inline void prep_accept_direct(abi::Sqe* sqe, int fd, void* addr,
                               uint32_t* addrlen, int flags,
                               unsigned file_index) noexcept {
  prep_accept(sqe, fd, addr, addrlen, flags);
  sqe->file_index = file_index == abi::kFileIndexAlloc ? file_index : file_index + 1;
}
// prep_multishot_accept(): one CQE per connection (with IORING_CQE_F_MORE)
// until an error or cancel.
inline void prep_multishot_accept(abi::Sqe* sqe, int fd, void* addr,
                                  uint32_t* addrlen, int flags) noexcept {
  prep_accept(sqe, fd, addr, addrlen, flags);
  sqe->ioprio |= abi::kAcceptMultishot;
}
inline void prep_connect(abi::Sqe* sqe, int fd, const void* addr,
                         uint32_t addrlen) noexcept {
  prep_rw(abi::Op::kConnect, sqe, fd, addr, 0, addrlen);
}
inline void prep_socket(abi::Sqe* sqe, int domain, int type, int protocol,
                        unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kSocket, sqe, domain, nullptr, static_cast<uint32_t>(protocol),
          static_cast<uint64_t>(type));
  sqe->op_flags = flags;
}
inline void prep_shutdown(abi::Sqe* sqe, int fd, int how) noexcept {
  prep_rw(abi::Op::kShutdown, sqe, fd, nullptr, static_cast<uint32_t>(how), 0);
}
inline void prep_bind(abi::Sqe* sqe, int fd, const void* addr,
                      uint32_t addrlen) noexcept {
  prep_rw(abi::Op::kBind, sqe, fd, addr, 0, addrlen);
}
inline void prep_listen(abi::Sqe* sqe, int fd, int backlog) noexcept {
  prep_rw(abi::Op::kListen, sqe, fd, nullptr, static_cast<uint32_t>(backlog), 0);
}

inline void prep_send(abi::Sqe* sqe, int fd, const void* buf, size_t len,
                      int msg_flags) noexcept {
  prep_rw(abi::Op::kSend, sqe, fd, buf, static_cast<uint32_t>(len), 0);
  sqe->op_flags = static_cast<uint32_t>(msg_flags);
}
// prep_send_set_addr(): turns a prepared send into sendto.
inline void prep_send_set_addr(abi::Sqe* sqe, const void* addr,
                               uint16_t addrlen) noexcept {
  sqe->addr2 = reinterpret_cast<uint64_t>(addr);
  sqe->addr_len = addrlen;
}
inline void prep_recv(abi::Sqe* sqe, int fd, void* buf, size_t len,
                      int msg_flags) noexcept {
  prep_rw(abi::Op::kRecv, sqe, fd, buf, static_cast<uint32_t>(len), 0);
  sqe->op_flags = static_cast<uint32_t>(msg_flags);
}
// prep_recv_multishot(): receives into buffers from group `group` (a
// BufRing), one CQE per receive, until an error; ENOBUFS when the group is
// empty ends it and the caller re-arms.
inline void prep_recv_multishot(abi::Sqe* sqe, int fd, uint16_t group,
                                int msg_flags) noexcept {
  prep_recv(sqe, fd, nullptr, 0, msg_flags);
  sqe->ioprio |= abi::kRecvMultishot;
  sqe->flags |= abi::kSqeBufferSelect;
  sqe->buf_group = group;
}
inline void prep_sendmsg(abi::Sqe* sqe, int fd, const core::MsgHdr* msg,
                         unsigned flags) noexcept {
  prep_rw(abi::Op::kSendmsg, sqe, fd, msg, 1, 0);
  sqe->op_flags = flags;
}
inline void prep_recvmsg(abi::Sqe* sqe, int fd, core::MsgHdr* msg,
                         unsigned flags) noexcept {
  prep_rw(abi::Op::kRecvmsg, sqe, fd, msg, 1, 0);
  sqe->op_flags = flags;
}
// prep_recvmsg_multishot(): `msg` only describes the name and control
// lengths; each buffer from `group` starts with an abi::RecvmsgOut header.
inline void prep_recvmsg_multishot(abi::Sqe* sqe, int fd, core::MsgHdr* msg,
                                   unsigned flags, uint16_t group) noexcept {
  prep_recvmsg(sqe, fd, msg, flags);
  sqe->ioprio |= abi::kRecvMultishot;
  sqe->flags |= abi::kSqeBufferSelect;
  sqe->buf_group = group;
}
// prep_send_zc(): zero-copy send. Two CQEs: the result (with
// IORING_CQE_F_MORE) and later a notification (IORING_CQE_F_NOTIF); the
// buffer may be reused only after the notification.
inline void prep_send_zc(abi::Sqe* sqe, int fd, const void* buf, size_t len,
                         int msg_flags, unsigned zc_flags = 0) noexcept {
  prep_rw(abi::Op::kSendZc, sqe, fd, buf, static_cast<uint32_t>(len), 0);
  sqe->op_flags = static_cast<uint32_t>(msg_flags);
  sqe->ioprio = static_cast<uint16_t>(zc_flags);
}
inline void prep_send_zc_fixed(abi::Sqe* sqe, int fd, const void* buf,
                               size_t len, int msg_flags, unsigned zc_flags,
                               uint16_t buf_index) noexcept {
  prep_send_zc(sqe, fd, buf, len, msg_flags, zc_flags | abi::kRecvsendFixedBuf);
  sqe->buf_index = buf_index;
}
inline void prep_sendmsg_zc(abi::Sqe* sqe, int fd, const core::MsgHdr* msg,
                            unsigned flags) noexcept {
  prep_sendmsg(sqe, fd, msg, flags);
  sqe->opcode = static_cast<uint8_t>(abi::Op::kSendmsgZc);
}

// --- Splice --------------------------------------------------------------------

// prep_splice(): moves `len` bytes from fd_in to fd_out, one of which must
// be a pipe; an offset of -1 means "the fd's own position" (required for a
// pipe).
inline void prep_splice(abi::Sqe* sqe, int fd_in, int64_t off_in, int fd_out,
                        int64_t off_out, uint32_t len,
                        unsigned splice_flags) noexcept {
  prep_rw(abi::Op::kSplice, sqe, fd_out, nullptr, len,
          static_cast<uint64_t>(off_out));
  sqe->splice_off_in = static_cast<uint64_t>(off_in);
  sqe->splice_fd_in = fd_in;
  sqe->op_flags = splice_flags;
}
inline void prep_tee(abi::Sqe* sqe, int fd_in, int fd_out, uint32_t len,
                     unsigned splice_flags) noexcept {
  prep_rw(abi::Op::kTee, sqe, fd_out, nullptr, len, 0);
  sqe->splice_off_in = 0;
  sqe->splice_fd_in = fd_in;
  sqe->op_flags = splice_flags;
}

// --- Files and directories -------------------------------------------------------

inline void prep_openat(abi::Sqe* sqe, int dfd, const char* path, int flags,
                        unsigned mode) noexcept {
  prep_rw(abi::Op::kOpenat, sqe, dfd, path, mode, 0);
  sqe->op_flags = static_cast<uint32_t>(flags);
}
inline void prep_openat_direct(abi::Sqe* sqe, int dfd, const char* path,
                               int flags, unsigned mode,
                               unsigned file_index) noexcept {
  prep_openat(sqe, dfd, path, flags, mode);
  sqe->file_index = file_index == abi::kFileIndexAlloc ? file_index : file_index + 1;
}
inline void prep_openat2(abi::Sqe* sqe, int dfd, const char* path,
                         const core::OpenHow* how) noexcept {
  prep_rw(abi::Op::kOpenat2, sqe, dfd, path, sizeof(core::OpenHow),
          reinterpret_cast<uint64_t>(how));
}
inline void prep_close(abi::Sqe* sqe, int fd) noexcept {
  prep_rw(abi::Op::kClose, sqe, fd, nullptr, 0, 0);
}
inline void prep_close_direct(abi::Sqe* sqe, unsigned file_index) noexcept {
  prep_close(sqe, 0);
  sqe->file_index = file_index + 1;
}
inline void prep_files_update(abi::Sqe* sqe, int* fds, unsigned count,
                              int offset) noexcept {
  prep_rw(abi::Op::kFilesUpdate, sqe, -1, fds, count,
          static_cast<uint64_t>(static_cast<int64_t>(offset)));
}
inline void prep_statx(abi::Sqe* sqe, int dfd, const char* path, int flags,
                       unsigned mask, core::Statx* out) noexcept {
  prep_rw(abi::Op::kStatx, sqe, dfd, path, mask, reinterpret_cast<uint64_t>(out));
  sqe->op_flags = static_cast<uint32_t>(flags);
}
inline void prep_renameat(abi::Sqe* sqe, int old_dfd, const char* old_path,
                          int new_dfd, const char* new_path,
                          unsigned flags) noexcept {
  prep_rw(abi::Op::kRenameat, sqe, old_dfd, old_path,
          static_cast<uint32_t>(new_dfd), reinterpret_cast<uint64_t>(new_path));
  sqe->op_flags = flags;
}
inline void prep_unlinkat(abi::Sqe* sqe, int dfd, const char* path,
                          int flags) noexcept {
  prep_rw(abi::Op::kUnlinkat, sqe, dfd, path, 0, 0);
  sqe->op_flags = static_cast<uint32_t>(flags);
}
inline void prep_mkdirat(abi::Sqe* sqe, int dfd, const char* path,
                         unsigned mode) noexcept {
  prep_rw(abi::Op::kMkdirat, sqe, dfd, path, mode, 0);
}
inline void prep_symlinkat(abi::Sqe* sqe, const char* target, int new_dfd,
                           const char* link_path) noexcept {
  prep_rw(abi::Op::kSymlinkat, sqe, new_dfd, target, 0,
          reinterpret_cast<uint64_t>(link_path));
}
inline void prep_linkat(abi::Sqe* sqe, int old_dfd, const char* old_path,
                        int new_dfd, const char* new_path, int flags) noexcept {
  prep_rw(abi::Op::kLinkat, sqe, old_dfd, old_path,
          static_cast<uint32_t>(new_dfd), reinterpret_cast<uint64_t>(new_path));
  sqe->op_flags = static_cast<uint32_t>(flags);
}

// --- Extended attributes -------------------------------------------------------

inline void prep_getxattr(abi::Sqe* sqe, const char* name, char* value,
                          const char* path, uint32_t len) noexcept {
  prep_rw(abi::Op::kGetxattr, sqe, 0, name, len, reinterpret_cast<uint64_t>(value));
  sqe->addr3 = reinterpret_cast<uint64_t>(path);
}
inline void prep_setxattr(abi::Sqe* sqe, const char* name, const char* value,
                          const char* path, int flags, uint32_t len) noexcept {
  prep_rw(abi::Op::kSetxattr, sqe, 0, name, len, reinterpret_cast<uint64_t>(value));
  sqe->addr3 = reinterpret_cast<uint64_t>(path);
  sqe->op_flags = static_cast<uint32_t>(flags);
}
inline void prep_fgetxattr(abi::Sqe* sqe, int fd, const char* name,
                           char* value, uint32_t len) noexcept {
  prep_rw(abi::Op::kFgetxattr, sqe, fd, name, len, reinterpret_cast<uint64_t>(value));
}
inline void prep_fsetxattr(abi::Sqe* sqe, int fd, const char* name,
                           const char* value, int flags, uint32_t len) noexcept {
  prep_rw(abi::Op::kFsetxattr, sqe, fd, name, len, reinterpret_cast<uint64_t>(value));
  sqe->op_flags = static_cast<uint32_t>(flags);
}

// --- Provided buffers (the legacy form; see buf_ring.h for rings) ---------------

inline void prep_provide_buffers(abi::Sqe* sqe, void* addr, uint32_t len,
                                 int count, uint16_t group, int first_id) noexcept {
  prep_rw(abi::Op::kProvideBuffers, sqe, count, addr, len,
          static_cast<uint64_t>(first_id));
  sqe->buf_group = group;
}
inline void prep_remove_buffers(abi::Sqe* sqe, int count, uint16_t group) noexcept {
  prep_rw(abi::Op::kRemoveBuffers, sqe, count, nullptr, 0, 0);
  sqe->buf_group = group;
}

// --- Between rings, processes and threads ------------------------------------------

// prep_msg_ring(): posts a CQE with `res` = `len` and `user_data` = `data`
// on the ring whose fd is `ring_fd`.
inline void prep_msg_ring(abi::Sqe* sqe, int ring_fd, uint32_t len,
                          uint64_t data, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kMsgRing, sqe, ring_fd, nullptr, len, data);
  sqe->op_flags = flags;
}
// prep_msg_ring_fd(): installs our fixed file `source_slot` in the target
// ring's slot `target_slot` (or abi::kFileIndexAlloc: the kernel picks one
// and returns it in the target's CQE) and posts a CQE there with `data`.
inline void prep_msg_ring_fd(abi::Sqe* sqe, int ring_fd, int source_slot,
                             int target_slot, uint64_t data,
                             unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kMsgRing, sqe, ring_fd,
          reinterpret_cast<const void*>(static_cast<uint64_t>(abi::kMsgSendFd)), 0,
          data);
  sqe->addr3 = static_cast<uint64_t>(source_slot);
  const uint32_t target = static_cast<uint32_t>(target_slot);
  sqe->file_index = target == abi::kFileIndexAlloc ? target : target + 1;
  sqe->op_flags = flags;
}
// prep_waitid(): waitid(2) without blocking a thread (6.7).
inline void prep_waitid(abi::Sqe* sqe, int idtype, int id, core::SigInfo* info,
                        int options, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kWaitid, sqe, id, nullptr, static_cast<uint32_t>(idtype), 0);
  sqe->op_flags = flags;
  sqe->file_index = static_cast<uint32_t>(options);
  sqe->addr2 = reinterpret_cast<uint64_t>(info);
}
// prep_futex_wait() / prep_futex_wake(): futex2 operations (6.7); `flags`
// carries the size (abi::kFutex2SizeU32) and abi::kFutex2Private.
inline void prep_futex_wait(abi::Sqe* sqe, const uint32_t* futex, uint64_t value,
                            uint64_t mask, uint32_t futex_flags,
                            unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kFutexWait, sqe, static_cast<int>(futex_flags), futex, 0, value);
  sqe->addr3 = mask;
  sqe->op_flags = flags;
}
inline void prep_futex_wake(abi::Sqe* sqe, const uint32_t* futex, uint64_t count,
                            uint64_t mask, uint32_t futex_flags,
                            unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kFutexWake, sqe, static_cast<int>(futex_flags), futex, 0, count);
  sqe->addr3 = mask;
  sqe->op_flags = flags;
}
inline void prep_futex_waitv(abi::Sqe* sqe, const void* futexv, uint32_t count,
                             unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kFutexWaitv, sqe, 0, futexv, count, 0);
  sqe->op_flags = flags;
}
// prep_fixed_fd_install(): a regular fd for fixed file `file_index` (6.8).
inline void prep_fixed_fd_install(abi::Sqe* sqe, int file_index,
                                  unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kFixedFdInstall, sqe, file_index, nullptr, 0, 0);
  sqe->flags = abi::kSqeFixedFile;
  sqe->op_flags = flags;
}
inline void prep_epoll_ctl(abi::Sqe* sqe, int epfd, int fd, int op,
                           const void* event) noexcept {
  prep_rw(abi::Op::kEpollCtl, sqe, epfd, event, static_cast<uint32_t>(op),
          static_cast<uint64_t>(fd));
}
inline void prep_epoll_wait(abi::Sqe* sqe, int epfd, void* events,
                            int max_events, unsigned flags = 0) noexcept {
  prep_rw(abi::Op::kEpollWait, sqe, epfd, events,
          static_cast<uint32_t>(max_events), 0);
  sqe->op_flags = flags;
}
// prep_pipe(): pipe2(2) through the ring (6.16): the kernel writes the two
// new fds into `fds`. `flags` takes o::cloexec, o::nonblock, o::direct.
inline void prep_pipe(abi::Sqe* sqe, int* fds, unsigned flags) noexcept {
  prep_rw(abi::Op::kPipe, sqe, 0, fds, 0, 0);
  sqe->pipe_flags = flags;
}

// prep_uring_cmd(): a driver-specific command; `cmd_op` is the driver's.
inline void prep_uring_cmd(abi::Sqe* sqe, int fd, uint32_t cmd_op) noexcept {
  prep_rw(abi::Op::kUringCmd, sqe, fd, nullptr, 0, 0);
  sqe->cmd_op = cmd_op;
}

// --- SQE flags and data ------------------------------------------------------------

[[gnu::always_inline]] inline void set_user_data(abi::Sqe* sqe, uint64_t data) noexcept {
  sqe->user_data = data;
}
[[gnu::always_inline]] inline void set_flags(abi::Sqe* sqe, uint8_t flags) noexcept {
  sqe->flags |= flags;
}
// The next SQE starts only after this one succeeds (a failure cancels the
// rest of the chain with ECANCELED).
inline void set_link(abi::Sqe* sqe) noexcept { sqe->flags |= abi::kSqeIoLink; }
// The next SQE starts after this one whatever its result.
inline void set_hardlink(abi::Sqe* sqe) noexcept { sqe->flags |= abi::kSqeIoHardlink; }
// Starts only after every earlier SQE completed.
inline void set_drain(abi::Sqe* sqe) noexcept { sqe->flags |= abi::kSqeIoDrain; }
// Go straight to an io-wq worker instead of trying inline first.
inline void set_async(abi::Sqe* sqe) noexcept { sqe->flags |= abi::kSqeAsync; }
// `fd` is an index into the registered file table.
inline void set_fixed_file(abi::Sqe* sqe) noexcept { sqe->flags |= abi::kSqeFixedFile; }
// Take the buffer from group `group` instead of addr/len.
inline void set_buffer_select(abi::Sqe* sqe, uint16_t group) noexcept {
  sqe->flags |= abi::kSqeBufferSelect;
  sqe->buf_group = group;
}
// Post no CQE when this SQE succeeds.
inline void set_cqe_skip_success(abi::Sqe* sqe) noexcept {
  sqe->flags |= abi::kSqeCqeSkipSuccess;
}

// The buffer id a CQE carries when the kernel picked a provided buffer.
[[nodiscard]] inline bool cqe_has_buffer(const abi::Cqe& cqe) noexcept {
  return (cqe.flags & abi::kCqeFBuffer) != 0;
}
[[nodiscard]] inline uint16_t cqe_buffer_id(const abi::Cqe& cqe) noexcept {
  return static_cast<uint16_t>(cqe.flags >> abi::kCqeBufferShift);
}
// Whether more CQEs will follow for this request (multishot, send_zc).
[[nodiscard]] inline bool cqe_more(const abi::Cqe& cqe) noexcept {
  return (cqe.flags & abi::kCqeFMore) != 0;
}

}  // namespace zring::ring
