import Foundation
import LoomCore
import LoomGenerate
import LoomIngest
import LoomRecipe
import LoomStore

/// What the convert stage did.
public struct ConvertSummary: Sendable, Codable, Hashable {
    /// Rows that are records now (made by this or an earlier invocation).
    public var rows: Int
    /// Rows made by this invocation.
    public var madeNow: Int
    /// Rows that could not be used, each recorded with its reason.
    public var rejected: Int
}

/// The convert stage: reads each dataset of the recipe row by row after its images were ingested, and commits
/// each row's sample and record with its ledger row. Runs on one CPU worker thread (reading and parsing the
/// file is blocking work) and commits straight to the store in batches, after the batching writer has flushed.
struct ConvertStage: Sendable {
    let recipe: Recipe
    let recipeFolder: URL
    let store: RunStore
    let converter: DatasetConverter
    let workers: CPUWorkers
    let observer: RunObserver?

    static let stageName = Stage.convert.rawValue

    func run() async throws -> ConvertSummary? {
        let datasets = recipe.collections.compactMap { collection -> DatasetConversion? in
            if case .dataset(let conversion) = collection { return conversion }
            return nil
        }
        guard !datasets.isEmpty else { return nil }
        let done = try store.completedItems(stage: Self.stageName)
        observer?(.stageStarted(stage: .convert, total: 0, alreadyDone: done.count))
        let stage = self
        let summary = try await workers.run {
            var summary = ConvertSummary(rows: 0, madeNow: 0, rejected: 0)
            for conversion in datasets { try stage.convert(conversion, done: done, summary: &summary) }
            return summary
        }
        observer?(.stageFinished(stage: .convert, done: summary.rows, failed: summary.rejected))
        return summary
    }

    private func convert(_ conversion: DatasetConversion, done: Set<String>, summary: inout ConvertSummary) throws {
        let source = DatasetSource(conversion, recipeFolder: recipeFolder)
        var batch: [StoreWrite] = []
        func submit(_ write: StoreWrite) throws {
            batch.append(write)
            if batch.count >= recipe.store.batchSize {
                try store.commit(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        func reject(_ subject: String, _ reason: String) throws {
            summary.rejected += 1
            try submit(StoreWrite(rejections: [
                Rejection(subject: IngestStage.relative(subject, to: recipeFolder), stage: Self.stageName, category: RejectionKind.badDatasetRow.category, reason: reason)
            ]))
        }
        do {
            try source.rows(
                row: { row in
                    let id = StableID.derive("smp", String(recipe.seed), "converted", conversion.file, String(row.index))
                    defer {
                        observer?(.progressed(stage: .convert, done: summary.rows, failed: summary.rejected, records: summary.rows))
                    }
                    if done.contains(id) {
                        summary.rows += 1
                        return
                    }
                    var media: [String] = []
                    for path in row.images {
                        guard let imageID = try store.imageID(forPath: IngestStage.relative(path.display, to: recipeFolder)) else {
                            try reject(row.subject, "image \(path.display) was not ingested (see the ingest problems for why)")
                            return
                        }
                        media.append(imageID)
                    }
                    guard Set(media).count == media.count else {
                        try reject(row.subject, "the same image appears twice in the row")
                        return
                    }
                    let (sample, converted) = try converter.convert(
                        id: id, ordinal: row.index, source: row.subject, media: media, content: row.content,
                        conversion: conversion, seed: StableID.seed(recipe.seed, id, "convert"))
                    var records = [converted]
                    try RecordChecking.check(&records, truth: sample.truth, policy: recipe.check.onDisagreement)
                    var write = StoreWrite(
                        samples: [sample], records: records,
                        ledger: [LedgerEntry(item: id, stage: Self.stageName, status: .done)])
                    write.encode()
                    try submit(write)
                    summary.rows += 1
                    summary.madeNow += 1
                },
                rejected: { rejection in try reject(rejection.subject, rejection.reason) })
        } catch let error as IngestFileError {
            try reject(conversion.file, error.reason)
        }
        if !batch.isEmpty { try store.commit(batch) }
    }
}
