#ifndef LOOM_CHAMMING_H
#define LOOM_CHAMMING_H

#include <stddef.h>
#include <stdint.h>

/// Hamming distances between 64-bit perceptual hashes, for image-similarity linking.
///
/// Swift's `nonzeroBitCount` compiles to a dozen shifts and masks on the baseline x86-64 target, which has no
/// POPCNT instruction; these kernels use it where the processor has it (every x86-64 processor since 2008),
/// chosen once at run time.

/// For each of `signatures` pool signatures (signature s holds codes[starts[s]] ..< codes[starts[s + 1]]),
/// the sum over the `query_count` query hashes of the distance to the signature's nearest hash; written to
/// `totals[s]`. A signature with no hashes gets 64 per query hash.
void loom_hamming_totals(const uint64_t *query, size_t query_count, const uint64_t *codes, const uint32_t *starts,
                         size_t signatures, uint32_t *totals);

/// The positions (ascending) of the `count` totals that lie within the smallest bound holding at least `depth`
/// of them, ties at the bound included; returns how many were written to `positions`. Totals above
/// `max_total` are never kept.
size_t loom_totals_within(const uint32_t *totals, size_t count, size_t depth, uint32_t max_total, uint32_t *positions);

#endif
