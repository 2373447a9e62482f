import Foundation
import LoomCore
import LoomEngine
import LoomGenerate
import LoomInstruct
import LoomMockModel
import LoomRecipe

/// A folder of photos and a recipe whose model stages call a mock endpoint started by the test.
struct ModelFixture {
    let folder: URL
    let recipeURL: URL

    /// - Parameters:
    ///   - photos: how many distinct photos the folder has.
    ///   - endpoint: extra keys of the endpoint, YAML indented four spaces.
    ///   - stages: the model stages, YAML indented two spaces (under `stages:`).
    ///   - timeout: the endpoint's timeout in seconds. Tests that count the requests the server saw give a long
    ///     one: on a loaded machine a reply can take longer than 5 s, and the retry is one request more.
    init(server: MockModelServer, photos: Int = 3, endpoint: String = "", stages: String, timeout: Int = 5) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-model-\(UUID().uuidString)")
        let images = folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for index in 0..<photos {
            try Data(try IngestFixture.jpeg(seed: UInt64(100 + index * 7))).write(to: images.appendingPathComponent("p\(index).jpg"))
        }
        recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: model-fixture
            seed: 5
            output: run
            sources:
              folders:
                - path: photos
            models:
              - name: mock
                base_url: \(server.baseURL)
                model: mock-vl
                concurrency: 4
                timeout: \(timeout)
                retries: 3
                price: {input: 2.0, output: 8.0}
            \(endpoint)
            stages:
              ingest:
                longest_side: 256
                thumbnail_side: 64
            \(stages)
            store:
              batch_size: 4
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
    }

    var runDirectory: URL { folder.appendingPathComponent("run") }

    func runner(
        bypassCache: Bool = false, faults: FaultPlan = FaultPlan(), stop: RunStop? = nil, observer: RunObserver? = nil
    ) throws -> RecipeRunner {
        RecipeRunner(
            recipe: try RecipeLoader.load(contentsOf: recipeURL), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(),
            observer: observer, faults: faults, threads: 2, bypassCache: bypassCache, stop: stop)
    }
}

/// Which prompt a request was built from, told by its system message.
enum PromptKind: Equatable {
    case caption, questions(QuestionType), conversation, multiVQA, verify, syphus(String), unknown
}

extension MockRequest {
    func promptKind(_ catalog: PromptCatalog) -> PromptKind {
        let texts = messages.map { message -> String in
            guard case .object(let members) = message else { return "" }
            if case .string(let text)? = members["content"] { return text }
            if case .array(let parts)? = members["content"] {
                return parts.compactMap { part -> String? in
                    if case .object(let fields) = part, fields["type"]?.stringValue == "text" { return fields["text"]?.stringValue }
                    return nil
                }.joined(separator: "\n")
            }
            return ""
        }
        guard let system = texts.first else { return .unknown }
        if system == catalog.caption.system { return .caption }
        if system == catalog.conversation.system { return .conversation }
        if system == catalog.multiVQA.system { return .multiVQA }
        if system == catalog.verify.system { return .verify }
        if let subset = catalog.syphus.values.first(where: { $0.system == system }) { return .syphus(subset.id) }
        if system == catalog.questions.system {
            let user = texts.count > 1 ? texts[1] : ""
            for type in [QuestionType.multipleChoice, .judgement, .shortVQA, .longVQA]
            where user.contains(catalog.questions.typeInstructions[type.rawValue] ?? "\u{0}") {
                return .questions(type)
            }
        }
        return .unknown
    }

    /// True when this request carries a correction turn (the model's earlier reply and the problem with it).
    var isCorrection: Bool { messageTexts.contains("could not be used") }
}

/// Replies a well-behaved model would give to each prompt.
enum GoodReplies {
    static func reply(_ kind: PromptKind) -> String {
        switch kind {
        case .caption:
            return #"{"caption":"Several coloured geometric shapes lie on a plain background; a large red cube sits left of a small blue sphere and a green cylinder.","domains":["image_scene","object_relation"]}"#
        case .questions(.multipleChoice):
            return #"{"questions":[{"question":"What colour is the cube?","options":["red","blue","green","yellow"],"answer":"A"},{"question":"Which shape is smallest?","options":["cube","sphere","cylinder","cone"],"answer":"B"}]}"#
        case .questions(.judgement):
            return #"{"questions":[{"question":"Is the cube red?","answer":"yes"},{"question":"Is there a dog?","answer":"no"}]}"#
        case .questions:
            return #"{"questions":[{"question":"What colour is the cube?","answer":"red"}]}"#
        case .conversation:
            return #"{"turns":[{"question":"What is on the left?","answer":"A large red cube."},{"question":"What is next to it?","answer":"A small blue sphere."},{"question":"Which of the two is bigger?","answer":"The cube is bigger than the sphere."}]}"#
        case .multiVQA:
            return #"{"questions":[{"skill":"comparison","question":"Which shows more shapes, image 1 or image 2?","answer":"Image 1 shows more shapes than image 2.","images":[1,2]}]}"#
        case .verify:
            return #"{"supported":true,"one_correct_option":true,"reason":"The caption states it."}"#
        case .syphus:
            return #"{"pairs":[{"instruction":"What stands out in this picture?","answer":"A large red cube."},{"instruction":"Describe the arrangement of the shapes.","answer":"The shapes are spread across the frame with the cube on the left and the sphere beside it."}]}"#
        case .unknown:
            return "{}"
        }
    }
}
