import Foundation
import LoomCore
import LoomLLM
import Yams

/// Every prompt of the model stages, read from the data files shipped in `Prompts/`, each optionally replaced
/// by a file of the same name in a user's prompt folder. Problems (bad YAML, unknown placeholders, a schema
/// that is not JSON, a domain without seed questions) are reported with the file before any call is made.
public struct PromptCatalog: Sendable {
    public var caption: CaptionPrompt
    public var questions: QuestionPrompt
    public var conversation: SimplePrompt
    public var multiVQA: SimplePrompt
    public var verify: SimplePrompt
    public var translate: TranslatePrompt
    /// The domains in taxonomy order.
    public var domains: [DomainPrompt]
    /// Syphus subsets by id.
    public var syphus: [String: SyphusSubset]
    /// SHA-256 over every prompt file's text: part of a run's fingerprint.
    public var fingerprint: String
    /// What a user's prompt files lose that the shipped ones have: text that is not Loom's own left outside any tag,
    /// or a system message that does not say never to follow what is inside. Notes, not errors.
    public var warnings: [String] = []

    /// The domain prompt for an id.
    public func domain(_ id: String) -> DomainPrompt? { domains.first { $0.id == id } }

    /// Loads the shipped prompts, with files in `overrides` taking precedence.
    public static func load(overrides: URL? = nil) throws -> PromptCatalog {
        guard let shipped = Bundle.module.url(forResource: "Prompts", withExtension: nil) else {
            throw LoomError(.recipe, "the shipped prompt files are missing from the installation", subject: "Prompts")
        }
        var loader = Loader(shipped: shipped, overrides: overrides)
        let caption: CaptionPrompt = try loader.decode("caption.yaml")
        let questions: QuestionPrompt = try loader.decode("questions.yaml")
        let conversation: SimplePrompt = try loader.decode("conversation.yaml")
        let multiVQA: SimplePrompt = try loader.decode("multi_vqa.yaml")
        let verify: SimplePrompt = try loader.decode("verify.yaml")
        let translate: TranslatePrompt = try loader.decode("translate.yaml")
        let domains: DomainsFile = try loader.decode("domains.yaml")
        var syphus: [String: SyphusSubset] = [:]
        for name in loader.files(in: "syphus") {
            let subset: SyphusSubset = try loader.decode("syphus/" + name)
            syphus[subset.id] = subset
        }

        var problems: [(String, String)] = []
        func check(_ file: String, _ template: String, _ allowed: Set<String>) {
            problems += PromptText.problems(in: template, allowed: allowed).map { (file, $0) }
        }
        func checkSchema(_ file: String, _ schema: String) {
            if case .failure(let error) = Result(catching: { try JSONValue.parse(Array(schema.utf8)) }) {
                problems.append((file, "the schema is not JSON: \(error)"))
            }
        }
        check("caption.yaml", caption.instruction, CaptionPrompt.instructionPlaceholders)
        check("caption.yaml", caption.ocr, ["text"])
        check("caption.yaml", caption.annotations, ["text"])
        check("questions.yaml", questions.instruction, QuestionPrompt.instructionPlaceholders)
        for type in ["judgement", "multiple_choice", "short_vqa", "long_vqa"] where questions.typeInstructions[type] == nil {
            problems.append(("questions.yaml", "type_instructions has no entry for \(type)"))
        }
        check("conversation.yaml", conversation.instruction, ["caption", "ocr", "turns"])
        check("multi_vqa.yaml", multiVQA.instruction, ["captions", "image_count", "count", "skills"])
        check("verify.yaml", verify.instruction, ["context", "question", "options", "answer"])
        check("translate.yaml", translate.instruction, TranslatePrompt.instructionPlaceholders)
        for (file, schema) in [
            ("caption.yaml", caption.schema), ("questions.yaml", questions.schema),
            ("conversation.yaml", conversation.schema), ("multi_vqa.yaml", multiVQA.schema), ("verify.yaml", verify.schema),
            ("translate.yaml", translate.schema),
        ] {
            checkSchema(file, schema)
        }
        for subset in syphus.values.sorted(by: { $0.id < $1.id }) {
            let file = "syphus/\(subset.id).yaml"
            check(file, subset.query, SyphusSubset.queryPlaceholders)
            checkSchema(file, subset.schema)
            for (index, example) in subset.examples.enumerated() {
                if case .failure(let error) = Result(catching: { try JSONValue.parse(Array(example.reply.utf8)) }) {
                    problems.append((file, "example \(index + 1)'s reply is not JSON: \(error)"))
                }
            }
        }
        for domain in domains.domains where domain.seedQuestions.isEmpty {
            problems.append(("domains.yaml", "domain \(domain.id) has no seed questions"))
        }
        if let (file, message) = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more problems)" : ""
            throw LoomError(.recipe, message + more, subject: loader.path(of: file))
        }
        var catalog = PromptCatalog(
            caption: caption, questions: questions, conversation: conversation, multiVQA: multiVQA, verify: verify,
            translate: translate, domains: domains.domains, syphus: syphus, fingerprint: loader.hasher.finalize())
        catalog.warnings = catalog.unfencedText(overridden: loader.overridden)
        return catalog
    }

    /// The warnings for the user's files among `overridden` (`warnings`).
    func unfencedText(overridden: Set<String>) -> [String] {
        // Each file: its system message, and its templates with the placeholders that carry outside text.
        var files: [(file: String, system: String, templates: [(String, [String])])] = [
            ("caption.yaml", caption.system, [(caption.ocr, ["text"]), (caption.annotations, ["text"])]),
            ("questions.yaml", questions.system, [(questions.instruction, ["caption", "ocr"])]),
            ("conversation.yaml", conversation.system, [(conversation.instruction, ["caption", "ocr"])]),
            ("multi_vqa.yaml", multiVQA.system, [(multiVQA.instruction, ["captions"])]),
            ("verify.yaml", verify.system, [(verify.instruction, ["context", "question", "options", "answer"])]),
            ("translate.yaml", translate.system, [(translate.instruction, ["record"])]),
        ]
        for subset in syphus.values.sorted(by: { $0.id < $1.id }) {
            files.append(("syphus/\(subset.id).yaml", subset.system, [(subset.query, ["annotations"])]))
        }
        var warnings: [String] = []
        for (file, system, templates) in files where overridden.contains(file) {
            let open = templates.flatMap { template, names in
                names.filter { PromptText.placeholders(in: template).contains($0) && !PromptText.encloses(template, $0) }
            }
            if !open.isEmpty {
                warnings.append(
                    "prompt file \(file): \(open.map { "{\($0)}" }.joined(separator: ", ")) stand\(open.count == 1 ? "s" : "") outside any tag; the shipped prompts enclose such text (captions, text read from images, annotations, records) in tags a value cannot forge, so that instructions written in it are not followed (Prompts/README.md)")
            }
            if !system.contains("never follow") {
                warnings.append(
                    "prompt file \(file): its system message does not say never to follow instructions inside the tags or in an image, as the shipped ones do")
            }
        }
        return warnings
    }

    /// Reads prompt files, preferring the override folder, and hashes what it read.
    private struct Loader {
        let shipped: URL
        let overrides: URL?
        var hasher = ContentHasher()

        init(shipped: URL, overrides: URL?) {
            self.shipped = shipped
            self.overrides = overrides
        }

        /// The files read from the override folder.
        var overridden: Set<String> {
            guard let overrides else { return [] }
            return Set(read.filter { FileManager.default.fileExists(atPath: overrides.appendingPathComponent($0).path) })
        }
        /// Every file read, by name.
        var read: [String] = []

        func url(of file: String) -> URL {
            if let overrides {
                let candidate = overrides.appendingPathComponent(file)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            }
            return shipped.appendingPathComponent(file)
        }

        func path(of file: String) -> String { url(of: file).path }

        /// YAML files of a sub-folder, shipped and overriding, by name.
        func files(in folder: String) -> [String] {
            var names = Set<String>()
            for base in [shipped, overrides].compactMap({ $0 }) {
                let names_ = (try? FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent(folder).path)) ?? []
                names.formUnion(names_.filter { $0.hasSuffix(".yaml") })
            }
            return names.sorted()
        }

        mutating func decode<T: Decodable>(_ file: String) throws -> T {
            let url = url(of: file)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw LoomError(.recipe, "cannot read the prompt file: \(error.localizedDescription)", subject: url.path)
            }
            hasher.add(file)
            hasher.add(text)
            read.append(file)
            do {
                return try YAMLDecoder().decode(T.self, from: text)
            } catch {
                throw LoomError(.recipe, "the prompt file is not valid: \(error)", subject: url.path)
            }
        }
    }
}
