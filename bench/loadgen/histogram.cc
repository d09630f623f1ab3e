#include "bench/loadgen/histogram.h"

#include <cmath>

namespace bench {

uint64_t Histogram::BucketLow(unsigned b) noexcept {
  constexpr unsigned kSub = 1u << kSubBits;
  if (b < 2 * kSub) return b;
  const unsigned shift = b / kSub - 1;
  return static_cast<uint64_t>(b - shift * kSub) << shift;
}

uint64_t Histogram::BucketHigh(unsigned b) noexcept {
  if (b + 1 >= kBuckets) return UINT64_MAX;
  return BucketLow(b + 1) - 1;
}

void Histogram::Merge(const Histogram& other) noexcept {
  for (unsigned b = 0; b < kBuckets; ++b) counts_[b] += other.counts_[b];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.count_ != 0) {
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
  }
}

uint64_t Histogram::Percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  if (q >= 1) return max_;
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (unsigned b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen < rank) continue;
    const uint64_t low = BucketLow(b);
    const uint64_t mid = low + (BucketHigh(b) - low) / 2;
    if (mid < min_) return min_;
    if (mid > max_) return max_;
    return mid;
  }
  return max_;
}

}  // namespace bench
