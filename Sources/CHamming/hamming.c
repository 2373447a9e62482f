#include "CHamming.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#define LOOM_POPCNT_TARGET __attribute__((target("popcnt")))
#else
#define LOOM_POPCNT_TARGET
#endif

// One body, compiled twice: with the POPCNT instruction and without.
#define LOOM_TOTALS_BODY                                                                                     \
    for (size_t s = 0; s < signatures; s++) {                                                               \
        const uint64_t *first = codes + starts[s], *end = codes + starts[s + 1];                            \
        unsigned total = 0;                                                                                  \
        for (size_t q = 0; q < query_count; q++) {                                                           \
            unsigned nearest = 64;                                                                           \
            for (const uint64_t *code = first; code < end; code++) {                                         \
                unsigned distance = (unsigned)__builtin_popcountll(query[q] ^ *code);                        \
                if (distance < nearest) nearest = distance;                                                  \
            }                                                                                                \
            total += nearest;                                                                                \
        }                                                                                                    \
        totals[s] = total;                                                                         \
    }

LOOM_POPCNT_TARGET static void totals_popcnt(const uint64_t *query, size_t query_count, const uint64_t *codes,
                                             const uint32_t *starts, size_t signatures, uint32_t *totals) {
    // The common case, one hash on each side, as a loop of its own so that it stays tight.
    if (query_count == 1) {
        const uint64_t hash = query[0];
        bool single = starts[signatures] == signatures;
        if (single) {
            for (size_t s = 0; s < signatures; s++) totals[s] = (uint32_t)__builtin_popcountll(hash ^ codes[s]);
            return;
        }
    }
    LOOM_TOTALS_BODY
}

static void totals_portable(const uint64_t *query, size_t query_count, const uint64_t *codes, const uint32_t *starts,
                            size_t signatures, uint32_t *totals) {
    LOOM_TOTALS_BODY
}

static bool has_popcnt(void) {
#if defined(__x86_64__)
    // Reads what the compiler's runtime found at start-up: a load and a test.
    return __builtin_cpu_supports("popcnt");
#else
    return true;
#endif
}

void loom_hamming_totals(const uint64_t *query, size_t query_count, const uint64_t *codes, const uint32_t *starts,
                         size_t signatures, uint32_t *totals) {
    if (has_popcnt()) {
        totals_popcnt(query, query_count, codes, starts, signatures, totals);
    } else {
        totals_portable(query, query_count, codes, starts, signatures, totals);
    }
}

size_t loom_totals_within(const uint32_t *totals, size_t count, size_t depth, uint32_t max_total, uint32_t *positions) {
    // Totals seen so far at each value up to the bound; the bound falls as soon as the totals below it number
    // `depth`, so most totals fail the first comparison.
    uint32_t *at = calloc((size_t)max_total + 1, sizeof(uint32_t));
    if (at == NULL) return 0;
    unsigned bound = max_total;
    size_t within = 0, kept = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned total = totals[i];
        if (total > bound) continue;
        at[total]++;
        within++;
        positions[kept++] = (uint32_t)i;
        while (bound > 0 && within - at[bound] >= depth) {
            within -= at[bound];
            bound--;
        }
    }
    size_t written = 0;
    for (size_t j = 0; j < kept; j++) {
        if (totals[positions[j]] <= bound) positions[written++] = positions[j];
    }
    free(at);
    return written;
}
