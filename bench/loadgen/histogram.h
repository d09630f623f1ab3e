// bench/loadgen/histogram.h — latencies in nanoseconds, log-linear buckets.
//
// Values below 256 ns get a bucket each; above that every power of two is
// split into 128 equal buckets, so a bucket is at most 1/128 (0.8%) of its
// values wide, from 1 ns to the full uint64_t range, in 7424 counters
// (58 KiB). Record() is a shift, a count-leading-zeros and an increment:
// cheap enough for the load generator's hot loop.
//
//   bench::Histogram h;
//   h.Record(52'000);
//   h.Percentile(0.99);   // within 0.8% of the true 99th percentile
#pragma once

#include <array>
#include <cstdint>

namespace bench {

class Histogram final {
 public:
  // Record(): one sample of `ns` nanoseconds.
  void Record(uint64_t ns) noexcept {
    ++counts_[BucketOf(ns)];
    ++count_;
    if (ns < min_) min_ = ns;
    if (ns > max_) max_ = ns;
    sum_ += ns;
  }

  // Merge(): adds every sample of `other`.
  void Merge(const Histogram& other) noexcept;

  // Percentile(): the value below or at which a fraction `q` (0..1) of the
  // samples lie: the middle of the bucket holding the sample of rank
  // ceil(q * count), clamped to [min, max]. q = 1 is exactly max(), q = 0
  // exactly min(); 0 for an empty histogram.
  [[nodiscard]] uint64_t Percentile(double q) const noexcept;

  [[nodiscard]] uint64_t count() const noexcept { return count_; }
  [[nodiscard]] uint64_t min() const noexcept { return count_ ? min_ : 0; }
  [[nodiscard]] uint64_t max() const noexcept { return max_; }
  [[nodiscard]] double mean() const noexcept {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }

  // The bucket layout, exposed for the unit test.
  static constexpr unsigned kSubBits = 7;
  static constexpr unsigned kBuckets = (64 - kSubBits + 1) << kSubBits;
  static unsigned BucketOf(uint64_t ns) noexcept {
    if (ns < (uint64_t{1} << kSubBits)) return static_cast<unsigned>(ns);
    const unsigned top = 63u - static_cast<unsigned>(__builtin_clzll(ns));
    const unsigned shift = top - kSubBits;
    return (shift << kSubBits) + static_cast<unsigned>(ns >> shift);
  }
  // The lowest and highest value of bucket `b`.
  static uint64_t BucketLow(unsigned b) noexcept;
  static uint64_t BucketHigh(unsigned b) noexcept;

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;  // wraps only after 584 years of summed latency
};

}  // namespace bench
