import LoomCore

/// One row of a training file in a format Loom writes (LLaVA, Mantis, LLaMA-Factory sharegpt), read back into
/// image paths and turns, or why it cannot be.
public struct TrainingFileRow {
    /// The formats `loom import` reads.
    public enum Format: String, Sendable, CaseIterable {
        case llava, mantis, llamafactory
        /// Each row by its own keys: `messages` (LLaMA-Factory), `images` with `conversations` or, in its Hugging
        /// Face form, `conversation` (Mantis), or `conversations` with an optional `image` (LLaVA).
        case auto
    }

    var id: String?
    var images: [String]
    var turns: [Turn]
    /// Whether the row had a system prompt (a `system` column, or a first turn from `system`): Loom's records carry
    /// none, so it is left out and counted.
    var hadSystemPrompt = false

    struct Problem: Error {
        var reason: String
    }

    /// Reads a row, checking what every trainer requires: turns alternate user and assistant starting with the
    /// user and end with an answer, and no more `<image>` placeholders than images. Missing placeholders are
    /// added at the start of the first turn, as the Mantis loader does.
    init(_ members: [String: JSONValue], format: Format) throws {
        var format = format
        if format == .auto {
            format = members["messages"] != nil ? .llamafactory : members["images"] != nil ? .mantis : .llava
        }
        id = members["id"]?.stringValue
        // Videos are not brought in (a video is ingested from its file, `sources.videos`): a row that shows one
        // would become a text-only record with a stray `<video>`.
        if case .array(let videos)? = members["videos"], !videos.isEmpty {
            throw Problem(reason: "the row shows \(videos.count == 1 ? "a video" : "\(videos.count) videos"); `loom import` reads image rows only")
        }
        if case .array(let audios)? = members["audios"], !audios.isEmpty {
            throw Problem(reason: "the row plays \(audios.count == 1 ? "an audio clip" : "\(audios.count) audio clips"); `loom import` reads image rows only")
        }
        if let system = members["system"]?.stringValue, !system.isEmpty { hadSystemPrompt = true }
        switch format {
        case .llava:
            if let image = members["image"] {
                // One path, or a list of them (multi-image LLaVA-style files: LLaVA-OneVision, LLaVA-Interleave).
                if case .array = image {
                    images = try Self.paths(image, field: "image")
                } else {
                    guard let path = image.stringValue else { throw Problem(reason: "'image' is not a path") }
                    images = [path]
                }
            } else {
                images = []
            }
            turns = try Self.turns(members["conversations"], list: "conversations", role: "from", text: "value", user: "human", assistant: "gpt", systemTurn: &hadSystemPrompt)
        case .mantis, .llamafactory:
            images = try Self.paths(members["images"])
            if format == .llamafactory {
                turns = try Self.turns(members["messages"], list: "messages", role: "role", text: "content", user: "user", assistant: "assistant", systemTurn: &hadSystemPrompt)
            } else if members["conversations"] == nil, members["conversation"] != nil {
                // Mantis-Instruct's Hugging Face form (and `loom export --format mantis-hf`): role and content.
                turns = try Self.turns(members["conversation"], list: "conversation", role: "role", text: "content", user: "user", assistant: "assistant", systemTurn: &hadSystemPrompt)
            } else {
                turns = try Self.turns(members["conversations"], list: "conversations", role: "from", text: "value", user: "human", assistant: "gpt", systemTurn: &hadSystemPrompt)
            }
        case .auto:
            preconditionFailure("resolved above")
        }
        if turns.contains(where: { $0.text.contains("<video>") || $0.text.contains("<audio>") }) {
            throw Problem(reason: "a <video> or <audio> placeholder; `loom import` reads image rows only")
        }
        let placeholders = turns.reduce(0) { $0 + TextSearch.count(of: Record.imagePlaceholder, in: $1.text) }
        if placeholders > images.count {
            throw Problem(reason: "\(placeholders) <image> placeholders for \(images.count) images")
        }
        if placeholders < images.count {
            turns[0].text = String(repeating: Record.imagePlaceholder + "\n", count: images.count - placeholders) + turns[0].text
        }
    }

    private static func paths(_ value: JSONValue?, field: String = "images") throws -> [String] {
        guard let value else { return [] }
        guard case .array(let items) = value else { throw Problem(reason: "'\(field)' is not a list") }
        return try items.enumerated().map { index, item in
            if let path = item.stringValue { return path }
            // The Hugging Face form: {"bytes": null, "path": "…"}.
            if case .object(let fields) = item, let path = fields["path"]?.stringValue { return path }
            throw Problem(reason: "image \(index + 1) is not a path")
        }
    }

    private static func turns(
        _ value: JSONValue?, list: String, role roleKey: String, text textKey: String, user: String, assistant: String,
        systemTurn: inout Bool
    ) throws -> [Turn] {
        guard case .array(var items)? = value else { throw Problem(reason: "no '\(list)' list") }
        // A system prompt opening the conversation (LLaMA-Factory's and OpenAI's form) is left out: Loom's records
        // carry none. `hadSystemPrompt` tells the caller.
        // Turns are numbered in messages as the file numbers them, the system turn counted.
        var numberOffset = 1
        if case .object(let first)? = items.first, first[roleKey]?.stringValue == "system" {
            items.removeFirst()
            systemTurn = true
            numberOffset = 2
        }
        guard !items.isEmpty else { throw Problem(reason: "'\(list)' is empty") }
        var turns: [Turn] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item, let speaker = fields[roleKey]?.stringValue,
                let text = fields[textKey]?.stringValue
            else { throw Problem(reason: "turn \(index + numberOffset) has no '\(roleKey)' and '\(textKey)' text") }
            let expected = index.isMultiple(of: 2) ? user : assistant
            // ShareGPT files written by other tools name the speakers as the chat format does.
            let aliases = index.isMultiple(of: 2) ? ["human", "user"] : ["gpt", "assistant"]
            guard speaker == expected || aliases.contains(speaker) && aliases.contains(expected) else {
                throw Problem(reason: "turn \(index + numberOffset) is from '\(speaker)' where '\(expected)' belongs (turns must alternate, starting with '\(user)')")
            }
            turns.append(Turn(role: index.isMultiple(of: 2) ? .user : .assistant, text: text))
        }
        guard turns.count.isMultiple(of: 2) else { throw Problem(reason: "the conversation ends without an answer") }
        return turns
    }

    /// The question type a record of these turns most likely is.
    var questionType: QuestionType {
        if turns.count > 2 { return .multiRound }
        let answer = turns[1].text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if ["yes", "no"].contains(where: { answer == $0 || answer.hasPrefix($0 + ".") || answer.hasPrefix($0 + ",") }) { return .judgement }
        return answer.split(whereSeparator: \.isWhitespace).count <= 20 ? .shortVQA : .longVQA
    }
}
