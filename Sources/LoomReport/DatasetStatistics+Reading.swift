import Foundation
import LoomStore

extension DatasetStatistics {
    /// Computes the statistics of a run's store: one streamed pass over the records (in id order, so the result
    /// is the same every time) plus SQLite aggregates for rejections, images and cost.
    ///
    /// - Parameter name: the recipe's name, shown as the card's title.
    public static func read(from store: RunStore, name: String? = nil) throws -> DatasetStatistics {
        let counts = try store.recordCounts()
        var accumulator = StatisticsAccumulator(keptRecords: counts.total - counts.flagged)
        try store.forEachRecordWithSampleKind { record, kind, media in
            try accumulator.add(record, kind: kind, media: media)
        }
        var statistics = accumulator.result()
        statistics.name = name
        let images = try store.imageCounts()
        statistics.duplicates.images = images.images
        statistics.duplicates.nearDuplicateImages = images.nearDuplicates
        statistics.duplicates.examples = try store.nearDuplicateExamples(limit: duplicateExamples).map {
            DuplicateSummary.ImagePair(path: $0.path, duplicateOf: $0.duplicateOf)
        }
        statistics.rejections = try store.rejectionCounts()
        statistics.cost = try store.cost()
        return statistics
    }
}
