// zring/core/mapping.h — Mapping: the owner of one mmap()ed region.
//
// MemFd::map() returns one; the ring layer maps its SQ, CQ and SQE arrays
// with Map() the same way. The region is unmapped when the Mapping is
// destroyed.
//
//   core::Result<core::Mapping> m = core::Mapping::Map(
//       4096, prot::read | prot::write, map::shared | map::anonymous, -1, 0);
//   if (!m) return m.error();
//   auto* words = m->at<uint32_t>(0);
//   words[0] = 42;
//
// Move-only and not thread-safe: it is an owner, not a shared object (the
// memory it points to may of course be shared, which is the point).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/memory.h"
#include "zring/core/result.h"

namespace zring::core {

// Mapping
class Mapping final {
 public:
  // Mapping(): owns nothing.
  constexpr Mapping() noexcept = default;

  // Mapping(data, size): takes ownership of [data, data + size), which must
  // be what one mmap() call returned (or a page-aligned part of it).
  constexpr Mapping(void* data, size_t size) noexcept
      : data_(data), size_(data != nullptr ? size : 0) {}

  // Map(): mmap(nullptr, size, prot, flags, fd, offset), owned. `offset`
  // must be a multiple of the page size; a zero `size` is err::inval. The
  // mapping keeps the file alive: `fd` may be closed afterwards.
  [[nodiscard]] static Result<Mapping> Map(size_t size, int prot, int flags,
                                           int fd, int64_t offset) noexcept {
    Result<void*> p = mmap(nullptr, size, prot, flags, fd, offset);
    if (!p) return p.error();
    return Mapping(*p, size);
  }

  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  Mapping(Mapping&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      UnmapQuietly();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  // ~Mapping(): unmaps. munmap can only fail on arguments that Map() already
  // validated (or on ENOMEM when splitting a VMA, impossible when the whole
  // mapping goes), and a destructor has nowhere to report it, so the result
  // is dropped.
  ~Mapping() { UnmapQuietly(); }

  // data(), size(): the region; null and 0 when empty.
  [[nodiscard]] void* data() const noexcept { return data_; }
  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return data_ == nullptr; }
  explicit operator bool() const noexcept { return !empty(); }

  // at<T>(offset): the region's bytes at `offset` seen as T. The caller
  // keeps offset + sizeof(T) within size() and the alignment T needs.
  template <class T>
  [[nodiscard]] T* at(size_t offset) const noexcept {
    return reinterpret_cast<T*>(static_cast<unsigned char*>(data_) + offset);
  }

  // unmap(): unmaps now and returns munmap's result; the Mapping is empty
  // afterwards whatever the result. Unmapping an empty Mapping is Ok().
  Result<void> unmap() noexcept {
    void* data = std::exchange(data_, nullptr);
    size_t size = std::exchange(size_, 0);
    if (data == nullptr) return Ok();
    return munmap(data, size);
  }

  // release(): gives up ownership; the caller unmaps [data, data + size)
  // itself. The Mapping is empty afterwards.
  [[nodiscard]] std::pair<void*, size_t> release() noexcept {
    return {std::exchange(data_, nullptr), std::exchange(size_, 0)};
  }

 private:
  void UnmapQuietly() noexcept { (void)unmap(); }

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace zring::core
