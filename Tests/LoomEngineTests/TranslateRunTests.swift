import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomGenerate
import LoomInstruct
import LoomMockModel
import LoomQuality
import LoomRecipe
import LoomStore
import Synchronization
import Testing

@Suite("The translate stage against a local OpenAI-compatible server")
struct TranslateRunTests {
    /// The record JSON a translate request carries (the line of the user message that is a JSON object).
    static func sentRecord(_ request: MockRequest) -> [String: JSONValue]? {
        for line in request.messageTexts.split(separator: "\n") where line.hasPrefix("{") {
            if case .object(let fields)? = try? JSONValue.parse(Array(line.utf8)) { return fields }
        }
        return nil
    }

    /// A stand-in for Chinese: every word of letters becomes CJK characters, one per letter (so different words
    /// stay different; "yes" 是, "no" 不), while the `<image>`
    /// placeholders, digits, punctuation and lone capitals (option letters) stay, as a translation must keep them.
    static func chinese(_ text: String) -> String {
        text.components(separatedBy: "<image>").map { piece -> String in
            var out = ""
            var word = ""
            func flush() {
                guard !word.isEmpty else { return }
                let lower = word.lowercased()
                let characters = String(String.UnicodeScalarView(lower.unicodeScalars.compactMap { Unicode.Scalar(0x8BCD + $0.value - 0x61) }))
                out += word.count == 1 && word.uppercased() == word ? word : lower == "yes" ? "是" : lower == "no" ? "不" : characters
                word = ""
            }
            for character in piece {
                if character.isLetter && character.isASCII { word.append(character) } else { flush(); out.append(character) }
            }
            flush()
            return out
        }.joined(separator: "<image>")
    }

    /// A "translation" (`chinese`) that marks each text; with `dropPlaceholders`, every `<image>` is lost, as weak
    /// models do; with `untranslated`, the source comes back as it was.
    static func reply(to record: [String: JSONValue], dropPlaceholders: Bool, untranslated: Bool = false) -> String {
        guard case .array(let turns)? = record["turns"] else { return "{}" }
        if untranslated { return JSONValue.object(["turns": .array(turns), "options": record["options"] ?? .null]).jsonText }
        let translated: [JSONValue] = turns.map { turn in
            let text = chinese(turn.stringValue ?? "")
            return .string((dropPlaceholders ? text.replacingOccurrences(of: "<image>", with: "") : text) + "【zh】")
        }
        var options = record["options"] ?? .null
        if case .array(let list) = options { options = .array(list.map { .string(chinese($0.stringValue ?? "")) }) }
        return JSONValue.object(["turns": .array(translated), "options": options]).jsonText
    }

    @Test("dropped placeholders get a correction turn, hopeless items fail with the reason, translations export per language")
    func translateWithCorrectionsAndFailures() async throws {
        let catalog = try PromptCatalog.load()
        let requests = Mutex((total: 0, corrections: 0))
        // A record whose text mentions "color" always loses its placeholders; every other record loses them on
        // the first attempt and keeps them after the correction turn.
        let server = try await MockModelServer.start { request in
            guard request.messageTexts.contains(catalog.translate.system), let record = Self.sentRecord(request) else {
                return .completion(text: "{}")
            }
            let correction = request.isCorrection
            requests.withLock { state in
                state.total += 1
                if correction { state.corrections += 1 }
            }
            let hopeless = record["turns"]?.jsonText.contains("color") ?? false
            return .completion(text: Self.reply(to: record, dropPlaceholders: hopeless || !correction), usage: MockUsage(prompt: 300, completion: 200))
        }
        defer { Task { try? await server.shutdown() } }

        let fixture = try RunFixture(singles: 3, pairs: 1, sets: 0, sequences: 0)
        let recipe = try fixture.addingMockModel(
            baseURL: server.baseURL, model: "mock-translator", stages: "  translate: {model: mock, languages: [zh]}")
        let summary = try await fixture.runner(recipe: recipe).run()
        let counts = try #require(summary.models?.stages["translate"])
        let store = try RunStore(directory: fixture.runDirectory)

        var sources: [String: Record] = [:]
        var translations: [Record] = []
        try store.forEachRecord(unflaggedOnly: false) { record, _ in
            if record.provenance.translatedFrom == nil { sources[record.id] = record } else { translations.append(record) }
        }
        let translatable = sources.values.filter { $0.flags.isEmpty }
        let hopeless = translatable.filter { $0.turns.map(\.text).joined().contains("color") }.count
        #expect(translations.count == translatable.count - hopeless)
        #expect(counts.done == translations.count)
        #expect(counts.failed == hopeless)
        #expect(hopeless > 0 && !translations.isEmpty)
        #expect(requests.withLock { $0.corrections } > 0)
        for translation in translations {
            let source = try #require(sources[translation.provenance.translatedFrom ?? ""])
            #expect(translation.language == "zh")
            #expect(translation.media == source.media && translation.sampleID == source.sampleID)
            #expect(translation.placeholderCount == translation.media.count)
            #expect(translation.answerKey == source.answerKey && translation.type == source.type)
            #expect(translation.turns.allSatisfy { $0.text.hasSuffix("【zh】") })
        }
        // Failures carry the problem, and the last reply is kept.
        let failures = try store.failures(stage: "translate")
        #expect(failures.count == hopeless)
        #expect(failures.allSatisfy { $0.error.contains("<image>") && $0.item.hasSuffix(">zh") })
        // `loom status` has a translate line with the same counts.
        let line = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory)).stages.first { $0.stage == "translate" }
        #expect(line?.done == translations.count && line?.failed == hopeless)

        // Exportable per language.
        let folder = fixture.folder.appendingPathComponent("zh-llava")
        let export = try ExportWriter(store: store, runDirectory: fixture.runDirectory)
            .export(.llava, to: folder, options: ExportOptions(selection: RecordSelection(languages: ["zh"])))
        #expect(export.records == translations.filter { $0.media.count == 1 }.count)

        // A second run asks nothing again: done items are skipped, failed ones are retried from the cache.
        let before = requests.withLock { $0.total }
        _ = try await fixture.runner(recipe: recipe).run()
        #expect(requests.withLock { $0.total } == before)
        // The quality stage, run again over the translations, leaves them as their sources: no grounding against
        // evidence in another language, no quota or parity counted twice.
        var after: [String: Record] = [:]
        try store.forEachRecord(unflaggedOnly: false) { record, _ in after[record.id] = record }
        for translation in translations {
            #expect(after[translation.id]?.flags.contains { $0.code.hasPrefix("grounding.") || $0.code.hasPrefix("balance.") } == false)
        }
        #expect(translatable.allSatisfy { after[$0.id]?.flags.isEmpty == true })
    }

    @Test("translations are held to the language-neutral checks: a lone surrogate is flagged, repeated options are corrected")
    func translationsAreCheckedForWhatReadsNoLanguage() async throws {
        let catalog = try PromptCatalog.load()
        let corrections = Mutex(0)
        let server = try await MockModelServer.start { request in
            guard request.messageTexts.contains(catalog.translate.system), let record = Self.sentRecord(request) else {
                return .completion(text: "{}")
            }
            if request.isCorrection { corrections.withLock { $0 += 1 } }
            var reply = Self.reply(to: record, dropPlaceholders: false)
            // Every turn ends in a lone surrogate, which decodes as U+FFFD; the first reply repeats one option four times.
            reply = reply.replacingOccurrences(of: "【zh】", with: "【zh】\\ud800")
            if !request.isCorrection, case .array(let options)? = record["options"], let first = options.first?.stringValue {
                let repeated = JSONValue.array(Array(repeating: .string(Self.chinese(first)), count: options.count)).jsonText
                let translated = JSONValue.array(options.map { .string(Self.chinese($0.stringValue ?? "")) }).jsonText
                reply = reply.replacingOccurrences(of: translated, with: repeated)
            }
            return .completion(text: reply)
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try RunFixture(singles: 3, pairs: 1, sets: 0, sequences: 0)
        let recipe = try fixture.addingMockModel(
            baseURL: server.baseURL, model: "mock-translator", stages: "  translate: {model: mock, languages: [zh]}")
        _ = try await fixture.runner(recipe: recipe).run()
        var translations: [Record] = []
        try RunStore(directory: fixture.runDirectory).forEachRecord(unflaggedOnly: false) { record, _ in
            if record.provenance.translatedFrom != nil { translations.append(record) }
        }
        #expect(!translations.isEmpty)
        #expect(translations.allSatisfy { $0.flags.contains { $0.code == QualityCode.invalidUTF8 } })
        // Multiple-choice translations came back with four different options after their correction.
        let multipleChoice = translations.filter { $0.options != nil }
        #expect(!multipleChoice.isEmpty && corrections.withLock { $0 } >= multipleChoice.count)
        #expect(multipleChoice.allSatisfy { Set($0.options ?? []).count == $0.options?.count })
    }

    @Test("a reply that gives the source back untranslated gets a correction turn; one that keeps doing it fails with the reason")
    func untranslatedRepliesAreCorrected() async throws {
        let catalog = try PromptCatalog.load()
        let corrections = Mutex(0)
        // Records whose text mentions "color" come back untranslated every time; the others only the first time.
        let server = try await MockModelServer.start { request in
            guard request.messageTexts.contains(catalog.translate.system), let record = Self.sentRecord(request) else {
                return .completion(text: "{}")
            }
            if request.isCorrection { corrections.withLock { $0 += 1 } }
            let stubborn = record["turns"]?.jsonText.contains("color") ?? false
            return .completion(text: Self.reply(to: record, dropPlaceholders: false, untranslated: stubborn || !request.isCorrection))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try RunFixture(singles: 3, pairs: 0, sets: 0, sequences: 0)
        let recipe = try fixture.addingMockModel(
            baseURL: server.baseURL, model: "mock-translator", stages: "  translate: {model: mock, languages: [zh]}")
        _ = try await fixture.runner(recipe: recipe).run()
        let store = try RunStore(directory: fixture.runDirectory)
        var translations: [Record] = []
        try store.forEachRecord(unflaggedOnly: false) { record, _ in
            if record.provenance.translatedFrom != nil { translations.append(record) }
        }
        #expect(corrections.withLock { $0 } > 0)
        #expect(!translations.isEmpty && translations.allSatisfy { $0.turns.allSatisfy { $0.text.hasSuffix("【zh】") } })
        let failures = try store.failures(stage: "translate")
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0.error.contains("untranslated") || $0.error.contains("reads as") })
    }

    @Test("a translation cut off at max_tokens fails after its one call, saying to raise the limit, with no correction turn")
    func cutOffTranslationsFailWithoutACorrection() async throws {
        let catalog = try PromptCatalog.load()
        let corrections = Mutex(0)
        let server = try await MockModelServer.start { request in
            guard request.messageTexts.contains(catalog.translate.system) else { return .completion(text: "{}") }
            if request.isCorrection { corrections.withLock { $0 += 1 } }
            return .completion(text: #"{"turns": ["<image>\n"#, finishReason: "length")
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try RunFixture(singles: 1, pairs: 0, sets: 0, sequences: 0)
        let recipe = try fixture.addingMockModel(
            baseURL: server.baseURL, model: "mock-translator", stages: "  translate: {model: mock, languages: [zh]}")
        _ = try? await fixture.runner(recipe: recipe).run()
        let failures = try RunStore(directory: fixture.runDirectory).failures(stage: "translate")
        #expect(!failures.isEmpty && failures.allSatisfy { $0.error.contains("raise `max_tokens`") })
        #expect(corrections.withLock { $0 } == 0)
    }
}
