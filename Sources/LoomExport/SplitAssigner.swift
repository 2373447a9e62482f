import LoomCore
import LoomStore

/// Puts every selected record in a split so that no image is shared across splits.
///
/// Records are grouped by the images they use: two records that share an image, or use images that ingest found
/// to be near-duplicates (perceptual hash), are in the same group, transitively. A whole group goes to one split.
/// Groups are taken in the order of a seeded hash of their smallest media id, and each goes to the split furthest
/// below its share of the records assigned so far: the shares come out as close as whole groups allow, and the
/// assignment is fixed for a seed and does not depend on the order records were made in. Text-only records are
/// their own groups, placed by hash alone.
///
/// Memory grows with the number of distinct media, not records.
struct SplitAssigner {
    let plan: SplitPlan
    private var ordinals: [String: UInt32] = [:]
    private var names: [String] = []
    /// Records whose first medium is each ordinal.
    private var records: [Int] = []
    private var sets = DisjointSets(count: 0)
    /// The split of each set root, filled by `seal()`.
    private var splitOfRoot: [UInt32: Int] = [:]

    /// Reads the selected records' media and the ingest's near-duplicate images, and groups them.
    init(plan: SplitPlan, store: RunStore, selection: RecordSelection) throws {
        self.plan = plan
        try store.forEachRecordMedia(selection) { _, media in
            guard let first = media.first else { return }
            let root = ordinal(String(first))
            records[Int(root)] += 1
            for medium in media.dropFirst() { sets.union(root, ordinal(String(medium))) }
        }
        try store.forEachNearDuplicateImage { image, original in
            // Only images some selected record uses matter; others would only add singleton groups.
            guard let a = ordinals[image] else { return }
            sets.union(a, ordinal(original))
        }
        seal()
    }

    private mutating func ordinal(_ id: String) -> UInt32 {
        if let known = ordinals[id] { return known }
        let new = sets.add()
        ordinals[id] = new
        names.append(id)
        records.append(0)
        return new
    }

    /// Names each group by its smallest media id, orders the groups by a seeded hash of that name, and deals
    /// them out to the splits by deficit.
    private mutating func seal() {
        var groups: [UInt32: (name: String, records: Int)] = [:]
        for index in 0..<names.count {
            let root = sets.find(UInt32(index))
            var group = groups[root] ?? (names[index], 0)
            if names[index] < group.name { group.name = names[index] }
            group.records += records[index]
            groups[root] = group
        }
        let ordered = groups.map { (root: $0.key, order: StableID.seed(plan.seed, $0.value.name), name: $0.value.name, records: $0.value.records) }
            .sorted { ($0.order, $0.name) < ($1.order, $1.name) }
        var assigned = Array(repeating: 0, count: plan.splits.count)
        var total = 0
        for group in ordered {
            total += group.records
            // The split whose share of the records so far (this group included) is furthest from being met.
            var best = 0
            var bestDeficit = -Double.infinity
            for (index, split) in plan.splits.enumerated() {
                let deficit = split.fraction * Double(total) - Double(assigned[index])
                if deficit > bestDeficit {
                    best = index
                    bestDeficit = deficit
                }
            }
            assigned[best] += group.records
            splitOfRoot[group.root] = best
        }
    }

    /// The index (in `plan.splits`) of the split the record belongs to.
    mutating func split(of row: ExportRow) -> Int {
        guard let first = row.media.first, let ordinal = ordinals[first] else {
            let name = plan.split(forGroupKey: row.id)
            return plan.splits.firstIndex { $0.name == name } ?? 0
        }
        return splitOfRoot[sets.find(ordinal)] ?? 0
    }
}
