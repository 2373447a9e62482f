import LoomStore

/// Inter-annotator agreement on accept/reject: Fleiss' kappa over records with the same number of passes, and
/// Cohen's kappa for every pair of reviewers who reviewed the same records.
public struct AgreementStatistics: Sendable {
    /// Cohen's kappa of one pair of reviewers.
    public struct Pair: Sendable, Hashable {
        public var first: String
        public var second: String
        /// Records both reviewed.
        public var records: Int
        /// Share of those records on which they agreed.
        public var observed: Double
        /// nil when chance agreement is total (both always gave the same single verdict).
        public var kappa: Double?
    }

    /// Fleiss' kappa; nil without records rated by the same number (≥ 2) of reviewers, or when every verdict is
    /// the same (agreement by chance is then total and kappa is undefined).
    public var fleiss: Double?
    /// The number of passes per record Fleiss' kappa was computed over, and how many records had it.
    public var fleissRaters: Int
    public var fleissRecords: Int
    public var pairs: [Pair]

    /// Computes both statistics from passes given grouped by record (as `RunStore.forEachReviewPass` streams them).
    public static func compute(_ forEachPass: ((ReviewPass) throws -> Void) throws -> Void) rethrows -> AgreementStatistics {
        // Per rater count n: the number of subjects and Σ P_i numerators and category totals.
        var fleissBy: [Int: (subjects: Int, agreement: Double, accepts: Int, total: Int)] = [:]
        var pairCounts: [PairKey: (both: Int, agree: Int, firstAccepts: Int, secondAccepts: Int)] = [:]
        var current: [ReviewPass] = []

        func finishRecord() {
            defer { current.removeAll(keepingCapacity: true) }
            let n = current.count
            guard n >= 2 else { return }
            let accepts = current.filter { $0.verdict == .accept }.count
            let rejects = n - accepts
            var entry = fleissBy[n] ?? (0, 0, 0, 0)
            entry.subjects += 1
            entry.agreement += Double(accepts * accepts + rejects * rejects - n) / Double(n * (n - 1))
            entry.accepts += accepts
            entry.total += n
            fleissBy[n] = entry
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let (a, b) = current[i].reviewer < current[j].reviewer ? (current[i], current[j]) : (current[j], current[i])
                    guard a.reviewer != b.reviewer else { continue }
                    var counts = pairCounts[PairKey(first: a.reviewer, second: b.reviewer)] ?? (0, 0, 0, 0)
                    counts.both += 1
                    if a.verdict == b.verdict { counts.agree += 1 }
                    if a.verdict == .accept { counts.firstAccepts += 1 }
                    if b.verdict == .accept { counts.secondAccepts += 1 }
                    pairCounts[PairKey(first: a.reviewer, second: b.reviewer)] = counts
                }
            }
        }

        try forEachPass { pass in
            if let last = current.last, last.recordID != pass.recordID { finishRecord() }
            current.append(pass)
        }
        finishRecord()

        var result = AgreementStatistics(fleiss: nil, fleissRaters: 0, fleissRecords: 0, pairs: [])
        // The most common rater count (ties: the larger) carries Fleiss' kappa, which needs a fixed count.
        if let (raters, entry) = fleissBy.max(by: { ($0.value.subjects, $0.key) < ($1.value.subjects, $1.key) }) {
            let meanAgreement = entry.agreement / Double(entry.subjects)
            let pAccept = Double(entry.accepts) / Double(entry.total)
            let chance = pAccept * pAccept + (1 - pAccept) * (1 - pAccept)
            result.fleissRaters = raters
            result.fleissRecords = entry.subjects
            result.fleiss = chance < 1 ? (meanAgreement - chance) / (1 - chance) : nil
        }
        result.pairs = pairCounts.map { key, counts in
            let total = Double(counts.both)
            let observed = Double(counts.agree) / total
            let p1 = Double(counts.firstAccepts) / total
            let p2 = Double(counts.secondAccepts) / total
            let chance = p1 * p2 + (1 - p1) * (1 - p2)
            return Pair(
                first: key.first, second: key.second, records: counts.both, observed: observed,
                kappa: chance < 1 ? (observed - chance) / (1 - chance) : nil)
        }.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
        return result
    }

    private struct PairKey: Hashable {
        var first: String
        var second: String
    }
}
