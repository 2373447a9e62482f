import Foundation

extension MinHashParameters {
    /// Banding that finds a pair at Jaccard `threshold` with probability at least `recall`, with as few false
    /// candidates as that allows: the most rows per band (fewer chance matches) whose `bands = permutations / rows`
    /// still reach the recall.
    ///
    /// datasketch's rule (`optimal`) balances false positives and false negatives instead, and so finds a pair at
    /// exactly the threshold only about half the time (0.40 at 0.8 with 128 permutations). The quality stage reads a
    /// recipe's threshold as "pairs at least this similar are duplicates", so it bands by recall.
    public static func banding(recall: Double, atJaccard threshold: Double, permutations: Int) -> (bands: Int, rows: Int) {
        var best = (bands: permutations, rows: 1)
        for rows in 1...permutations {
            let bands = permutations / rows
            guard bands >= 1 else { break }
            let probability = 1 - pow(1 - pow(threshold, Double(rows)), Double(bands))
            if probability >= recall { best = (bands, rows) }
        }
        return best
    }
}
