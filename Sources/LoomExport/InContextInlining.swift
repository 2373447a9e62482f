import LoomCore
import LoomStore

/// Interleaved in-context training for trainers without MIMIC-IT's train config: a query record's examples
/// become earlier exchanges of the same conversation, each with its own images, so a Mantis- or LLaMA-Factory-
/// style trainer sees "example, example, …, query" in one sample. Each exchange keeps its own `<image>`
/// placeholders, and the row's media are the examples' media followed by the query's, in placeholder order.
enum InContextInlining {
    /// The formats that can carry several images per record, and so inlined examples.
    static let formats: Set<ExportFormat> = [.mantis, .mantisHF, .llamafactory, .trl]

    /// `query` with `examples` (best first) placed before it: the best example sits nearest the query.
    static func inline(_ examples: [ExportRow], into query: ExportRow) -> ExportRow {
        guard !examples.isEmpty else { return query }
        var row = query
        row.turns = examples.reversed().flatMap(\.turns) + query.turns
        row.storedShareGPT = nil
        row.media = examples.reversed().flatMap(\.media) + query.media
        row.catalogSlots = nil
        return row
    }
}
