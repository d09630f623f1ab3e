// io_uring_register operations, all through Ring::register_raw().
#include "zring/ring/register.h"

namespace zring::ring {
namespace {

core::Result<void> Void(core::Result<unsigned> r) {
  if (!r) return r.error();
  return core::Ok();
}

core::Result<unsigned> Raw(Ring& ring, uint32_t op, const void* arg,
                           unsigned nr) {
  return ring.register_raw(op, arg, nr);
}

}  // namespace

core::Result<void> register_buffers(Ring& ring, const core::IoVec* iovs,
                                    unsigned count) noexcept {
  return Void(Raw(ring, abi::kRegisterBuffers, iovs, count));
}

core::Result<void> register_buffers_sparse(Ring& ring, unsigned count) noexcept {
  abi::RsrcRegister reg{};
  reg.nr = count;
  reg.flags = abi::kRsrcRegisterSparse;
  return Void(Raw(ring, abi::kRegisterBuffers2, &reg, sizeof reg));
}

core::Result<unsigned> update_buffers(Ring& ring, unsigned offset,
                                      const core::IoVec* iovs,
                                      unsigned count) noexcept {
  abi::RsrcUpdate2 up{};
  up.offset = offset;
  up.data = reinterpret_cast<uint64_t>(iovs);
  up.nr = count;
  return Raw(ring, abi::kRegisterBuffersUpdate, &up, sizeof up);
}

core::Result<void> unregister_buffers(Ring& ring) noexcept {
  return Void(Raw(ring, abi::kUnregisterBuffers, nullptr, 0));
}

core::Result<void> register_files(Ring& ring, const int* fds,
                                  unsigned count) noexcept {
  return Void(Raw(ring, abi::kRegisterFiles, fds, count));
}

core::Result<void> register_files_sparse(Ring& ring, unsigned count) noexcept {
  abi::RsrcRegister reg{};
  reg.nr = count;
  reg.flags = abi::kRsrcRegisterSparse;
  return Void(Raw(ring, abi::kRegisterFiles2, &reg, sizeof reg));
}

core::Result<unsigned> update_files(Ring& ring, unsigned offset, const int* fds,
                                    unsigned count) noexcept {
  abi::RsrcUpdate up{};
  up.offset = offset;
  up.data = reinterpret_cast<uint64_t>(fds);
  return Raw(ring, abi::kRegisterFilesUpdate, &up, count);
}

core::Result<void> register_file_alloc_range(Ring& ring, unsigned offset,
                                             unsigned count) noexcept {
  abi::FileIndexRange range{};
  range.off = offset;
  range.len = count;
  return Void(Raw(ring, abi::kRegisterFileAllocRange, &range, 0));
}

core::Result<void> unregister_files(Ring& ring) noexcept {
  return Void(Raw(ring, abi::kUnregisterFiles, nullptr, 0));
}

core::Result<void> register_eventfd(Ring& ring, int eventfd,
                                    bool async_only) noexcept {
  return Void(Raw(ring,
                  async_only ? abi::kRegisterEventfdAsync : abi::kRegisterEventfd,
                  &eventfd, 1));
}

core::Result<void> unregister_eventfd(Ring& ring) noexcept {
  return Void(Raw(ring, abi::kUnregisterEventfd, nullptr, 0));
}

core::Result<void> register_probe(Ring& ring, Probe& probe) noexcept {
  // The kernel wants the header and the op array contiguous; Probe lays
  // them out that way, and wants them zeroed.
  probe = Probe();
  static_assert(offsetof(Probe, ops_) == sizeof(abi::Probe),
                "Probe: ops_ must follow the header directly");
  return Void(Raw(ring, abi::kRegisterProbe, &probe.header_, Probe::kMaxOps));
}

core::Result<unsigned> register_personality(Ring& ring) noexcept {
  return Raw(ring, abi::kRegisterPersonality, nullptr, 0);
}

core::Result<void> unregister_personality(Ring& ring, unsigned id) noexcept {
  return Void(Raw(ring, abi::kUnregisterPersonality, nullptr, id));
}

core::Result<void> register_iowq_affinity(Ring& ring, const void* mask,
                                          size_t size) noexcept {
  return Void(Raw(ring, abi::kRegisterIowqAff, mask,
                  static_cast<unsigned>(size)));
}

core::Result<void> unregister_iowq_affinity(Ring& ring) noexcept {
  return Void(Raw(ring, abi::kUnregisterIowqAff, nullptr, 0));
}

core::Result<void> register_iowq_max_workers(Ring& ring,
                                             unsigned values[2]) noexcept {
  return Void(Raw(ring, abi::kRegisterIowqMaxWorkers, values, 2));
}

core::Result<void> register_restrictions(Ring& ring,
                                         const abi::Restriction* restrictions,
                                         unsigned count) noexcept {
  return Void(Raw(ring, abi::kRegisterRestrictions, restrictions, count));
}

core::Result<void> enable_rings(Ring& ring) noexcept {
  return Void(Raw(ring, abi::kRegisterEnableRings, nullptr, 0));
}

core::Result<unsigned> sync_cancel(Ring& ring,
                                   const abi::SyncCancelReg& reg) noexcept {
  return Raw(ring, abi::kRegisterSyncCancel, &reg, 1);
}

core::Result<void> register_buf_ring(Ring& ring, abi::BufReg& reg) noexcept {
  return Void(Raw(ring, abi::kRegisterPbufRing, &reg, 1));
}

core::Result<void> unregister_buf_ring(Ring& ring, uint16_t group) noexcept {
  abi::BufReg reg{};
  reg.bgid = group;
  return Void(Raw(ring, abi::kUnregisterPbufRing, &reg, 1));
}

core::Result<uint32_t> buf_ring_head(Ring& ring, uint16_t group) noexcept {
  abi::BufStatus status{};
  status.buf_group = group;
  core::Result<unsigned> r = Raw(ring, abi::kRegisterPbufStatus, &status, 1);
  if (!r) return r.error();
  return status.head;
}

core::Result<void> register_napi(Ring& ring, abi::NapiReg& napi) noexcept {
  return Void(Raw(ring, abi::kRegisterNapi, &napi, 1));
}

core::Result<void> unregister_napi(Ring& ring, abi::NapiReg* old) noexcept {
  return Void(Raw(ring, abi::kUnregisterNapi, old, 1));
}

core::Result<void> register_clock(Ring& ring, int clock_id) noexcept {
  abi::ClockReg reg{};
  reg.clockid = static_cast<uint32_t>(clock_id);
  return Void(Raw(ring, abi::kRegisterClock, &reg, 0));
}

}  // namespace zring::ring
