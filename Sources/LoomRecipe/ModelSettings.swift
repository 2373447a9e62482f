import LoomCore

/// One OpenAI-compatible endpoint a recipe names under `models:`.
public struct ModelEndpoint: Codable, Sendable, Hashable {
    public var name: String
    /// The API base, e.g. `http://127.0.0.1:8000/v1`.
    public var baseURL: String
    public var model: String
    /// The environment variable holding the API key; nil for servers without one.
    public var apiKeyEnvironment: String?
    public var concurrency: Int
    public var maxConcurrency: Int
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// Seconds for one attempt, body included.
    public var timeout: Double
    public var retries: Int
    /// auto, json_schema, json_object, structured_outputs, guided_json, ollama_format or none.
    public var structuredOutput: String
    public var stream: Bool
    /// auto, low or high.
    public var imageDetail: String
    /// Dollars per million input and output tokens.
    public var inputPrice: Double
    public var outputPrice: Double
    /// Dollars per million input tokens the provider serves from its prompt cache; nil: the input price.
    public var cachedInputPrice: Double?

    public init(
        name: String, baseURL: String, model: String, apiKeyEnvironment: String? = nil, concurrency: Int = 16,
        maxConcurrency: Int? = nil, requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, timeout: Double = 120,
        retries: Int = 6, structuredOutput: String = "auto", stream: Bool = false, imageDetail: String = "auto",
        inputPrice: Double = 0, outputPrice: Double = 0
    ) {
        self.name = name
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnvironment = apiKeyEnvironment
        self.concurrency = concurrency
        self.maxConcurrency = maxConcurrency ?? concurrency * 4
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.timeout = timeout
        self.retries = retries
        self.structuredOutput = structuredOutput
        self.stream = stream
        self.imageDetail = imageDetail
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
    }

    public static let structuredOutputModes = ["auto", "json_schema", "json_object", "structured_outputs", "guided_json", "ollama_format", "none"]
}

/// What every model stage has: the endpoint it calls and its sampling.
public struct ModelCallSettings: Codable, Sendable, Hashable {
    /// The name of an endpoint under `models:`.
    public var endpoint: String
    public var temperature: Double?
    public var maxTokens: Int?
    /// Correction turns after a reply that cannot be used.
    public var corrections: Int

    public init(endpoint: String, temperature: Double? = nil, maxTokens: Int? = nil, corrections: Int = 2) {
        self.endpoint = endpoint
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.corrections = corrections
    }
}

/// The model stages of a recipe (`stages.caption`, `stages.questions`, …) and where their prompts live.
public struct ModelStages: Codable, Sendable, Hashable {
    /// MMInstruct step b: a detailed caption per ingested image.
    public struct Caption: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
    }

    /// MMInstruct steps c–d: questions per image, domain and type.
    public struct Questions: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        /// Question types to write (judgement, multiple_choice, short_vqa, long_vqa).
        public var types: [QuestionType]
        /// Questions per call (K).
        public var perCall: Int
        /// Seed questions shown as references (N).
        public var seedQuestions: Int
        /// Domains an image is asked about, from those its caption assigned (or its source names).
        public var domainsPerImage: Int
    }

    /// MMInstruct step e: multi-round conversations.
    public struct Conversation: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        public var turns: Int
    }

    /// Mantis Multi-VQA over sets of images.
    public struct MultiVQA: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        public var sets: Int
        public var images: ClosedRange<Int>
        public var questions: Int
        public var skills: [Skill]
    }

    /// MIMIC-IT Syphus subsets.
    public struct Syphus: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        public var subsets: [String]
        /// Instruction–response pairs per sample.
        public var pairs: Int
    }

    /// The judge.
    public struct Verify: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        /// Flag records the judge does not support (exports leave flagged records out).
        public var flag: Bool
    }

    /// Translation into other languages (MIMIC-IT's eight), after the quality stage.
    public struct Translate: Codable, Sendable, Hashable {
        public var call: ModelCallSettings
        /// Target language codes, checked against the translate prompt's languages.
        public var languages: [String]
        /// The language of the records to translate.
        public var from: String
    }

    public var caption: Caption?
    public var questions: Questions?
    public var conversation: Conversation?
    public var multiVQA: MultiVQA?
    public var syphus: Syphus?
    public var verify: Verify?
    public var translate: Translate?
    /// A folder of prompt files that replace the shipped ones, relative to the recipe.
    public var prompts: String?
    /// Domains the caption stage may assign (empty: all of MMInstruct's).
    public var domains: [Domain]

    public init() {
        domains = []
    }

    /// True when any model stage is configured.
    /// The stages with `change` applied to each one's call settings.
    public func changingCalls(_ change: (inout ModelCallSettings) -> Void) -> ModelStages {
        var stages = self
        if stages.caption != nil { change(&stages.caption!.call) }
        if stages.questions != nil { change(&stages.questions!.call) }
        if stages.conversation != nil { change(&stages.conversation!.call) }
        if stages.multiVQA != nil { change(&stages.multiVQA!.call) }
        if stages.syphus != nil { change(&stages.syphus!.call) }
        if stages.verify != nil { change(&stages.verify!.call) }
        if stages.translate != nil { change(&stages.translate!.call) }
        return stages
    }

    public var any: Bool { caption != nil || questions != nil || conversation != nil || multiVQA != nil || syphus != nil || verify != nil || translate != nil }

    /// The endpoint names the stages use.
    public var endpointNames: [String] {
        [caption?.call, questions?.call, conversation?.call, multiVQA?.call, syphus?.call, verify?.call, translate?.call].compactMap { $0?.endpoint }
    }
}
