import Foundation
import GRDB
import LoomCore

extension RunStore {
    /// Makes the largest image of each group of near-duplicate images the one kept (the others' `duplicate_of`
    /// names it), so that captions and questions see the best copy: a photo and its thumbnail or a re-saved
    /// smaller copy keep the photo, whichever name comes first. Ingest marks a near-duplicate against the first
    /// image of its group in source order; this runs when ingest has committed every file, in one transaction.
    /// A group keeps its kept image unless another has more pixels; among several largest, the first in source
    /// order. Rerunning it changes nothing.
    ///
    /// - Returns: how many groups changed their kept image.
    @discardableResult
    public func keepLargestNearDuplicateImages() throws -> Int {
        try write { db in
            struct Member {
                var id: String
                var pixels: Int
                var ordinal: Int
            }
            var groups: [String: [Member]] = [:]
            let duplicates = try Row.fetchCursor(
                db, sql: "SELECT id, duplicate_of, width * height, ordinal FROM images WHERE duplicate_of IS NOT NULL")
            while let row = try duplicates.next() {
                groups[row[1] as String, default: []].append(Member(id: row[0], pixels: row[2], ordinal: row[3]))
            }
            guard !groups.isEmpty else { return 0 }
            let kept = try db.cachedStatement(sql: "SELECT width * height, ordinal FROM images WHERE id = ?")
            var changes = MultisetDigest()
            let digested = try ContentDigests.keptTables(db).contains("images")
            let point = try db.cachedStatement(sql: "UPDATE images SET duplicate_of = ? WHERE id = ?")
            func setDuplicate(_ id: String, of kept: String?) throws {
                try ContentDigests.tracking("images", key: id, digested: digested, changes: &changes, in: db) {
                    try point.execute(arguments: [kept, id])
                }
            }
            var changed = 0
            for (keptID, members) in groups.sorted(by: { $0.key < $1.key }) {
                guard let row = try Row.fetchOne(kept, arguments: [keptID]) else { continue }
                let current = Member(id: keptID, pixels: row[0], ordinal: row[1])
                let largest = members.reduce(current) { best, member in
                    member.pixels > best.pixels || (member.pixels == best.pixels && best.id != keptID && member.ordinal < best.ordinal)
                        ? member : best
                }
                guard largest.id != keptID else { continue }
                for member in members + [current] where member.id != largest.id { try setDuplicate(member.id, of: largest.id) }
                try setDuplicate(largest.id, of: nil)
                changed += 1
            }
            try ContentDigests.apply(["images": changes], in: db)
            return changed
        }
    }
}
