import Foundation
import LoomCore
import LoomInstruct
import LoomStore
import Yams

/// MIMIC-IT's cold start: Syphus began from a few hand-written in-context examples, generated a small batch, and
/// took the best outputs as the examples of the next round. Here the "best" are the subset's records that the
/// review app accepted: each accepted sample becomes one example (its query rebuilt exactly as the stage builds
/// it, its reply the accepted pairs as the subset's JSON), written as a prompt override file that a recipe picks
/// up with `prompts: FOLDER`.
public enum SyphusExamples {
    /// What was written.
    public struct Written: Sendable {
        public var file: URL
        public var examples: Int
        public var pairs: Int
    }

    /// Writes `folder/syphus/SUBSET.yaml`: the subset's prompt (from `overrides` when that folder has one, else the
    /// shipped one) with its examples replaced by up to `limit` accepted samples (in sample-id order).
    ///
    /// - Throws: `LoomError` when the subset is unknown or the review accepted none of its records.
    public static func write(
        subset name: String, store: RunStore, folder: URL, overrides: URL? = nil, limit: Int = 4
    ) throws -> Written {
        let catalog = try PromptCatalog.load(overrides: overrides)
        guard var subset = catalog.syphus[name] else {
            throw LoomError(.usage, "no Syphus subset is named '\(name)'; there are: \(catalog.syphus.keys.sorted().joined(separator: ", "))", subject: "--subset")
        }
        // Accepted records of the subset, grouped by sample.
        var pairsBySample: [String: [(instruction: String, answer: String)]] = [:]
        let selection = RecordSelection(flags: .include, media: .any, domains: ["syphus_" + name], review: .accepted)
        try store.forEachExportRow(selection) { row, _ in
            for start in stride(from: 0, to: row.turns.count - 1, by: 2) {
                pairsBySample[row.sampleID, default: []].append(
                    (ImagePrefix.question(row.turns[start].text), row.turns[start + 1].text))
            }
        }
        guard !pairsBySample.isEmpty else {
            throw LoomError(
                .usage, "the review has accepted no record of the subset \(name) yet (batch them with --domains syphus_\(name))",
                subject: store.url.deletingLastPathComponent().path)
        }
        var examples: [SyphusSubset.Example] = []
        var pairCount = 0
        for sampleID in pairsBySample.keys.sorted().prefix(limit) {
            guard let sample = try store.sample(id: sampleID) else { continue }
            let pairs = pairsBySample[sampleID]!
            let annotations = try SyphusAnnotations.text(for: sample, subset: subset, store: store)
            let reply = JSONValue.object([
                "pairs": .array(pairs.map { .object(["instruction": .string($0.instruction), "answer": .string($0.answer)]) })
            ])
            examples.append(
                SyphusSubset.Example(
                    query: PromptText.fill(subset.query, ["annotations": annotations, "count": String(pairs.count)]),
                    reply: reply.jsonText))
            pairCount += pairs.count
        }
        subset.examples = examples
        let target = folder.appendingPathComponent("syphus")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let file = target.appendingPathComponent("\(name).yaml")
        let header = """
            # Syphus subset \(name) with in-context examples taken from accepted review records of the run at
            # \(store.url.deletingLastPathComponent().path) (`loom syphus-examples`). Use it with `prompts: \(folder.lastPathComponent)/` in a recipe.

            """
        // Multi-line texts as literal blocks, unwrapped, so the file reads like the shipped ones.
        let encoder = YAMLEncoder()
        encoder.options = YAMLEncoder.Options(width: -1, allowUnicode: true, newLineScalarStyle: .literal)
        try (header + (try encoder.encode(subset))).write(to: file, atomically: true, encoding: .utf8)
        return Written(file: file, examples: examples.count, pairs: pairCount)
    }
}
