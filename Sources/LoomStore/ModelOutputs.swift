/// A description of an image written by a vision model (MMInstruct's detailed caption).
public struct GeneratedCaption: Sendable, Hashable, Codable {
    public var imageID: String
    public var text: String
    /// The domains the captioner said the image fits, best first.
    public var domains: [String]
    public var endpoint: String
    public var model: String

    public init(imageID: String, text: String, domains: [String], endpoint: String, model: String) {
        self.imageID = imageID
        self.text = text
        self.domains = domains
        self.endpoint = endpoint
        self.model = model
    }
}

/// A judge model's verdict on one record: is it supported by what is known of its images?
public struct RecordVerdict: Sendable, Hashable, Codable {
    public var recordID: String
    public var supported: Bool
    public var reason: String
    public var endpoint: String

    public init(recordID: String, supported: Bool, reason: String, endpoint: String) {
        self.recordID = recordID
        self.supported = supported
        self.reason = reason
        self.endpoint = endpoint
    }
}

/// The text of a reply that could not be used, kept with the reason so the failure can be inspected.
public struct RawReply: Sendable, Hashable, Codable {
    public var item: String
    public var stage: String
    public var reason: String
    public var text: String

    public init(item: String, stage: String, reason: String, text: String) {
        self.item = item
        self.stage = stage
        self.reason = reason
        self.text = text
    }
}

/// One reply kept in the response cache, with what it cost and which item of which stage first asked for it.
public struct StoredResponse: Sendable, Hashable {
    public var key: String
    public var stage: String
    public var item: String
    public var endpoint: String
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double
    /// The reply, as the model client's JSON.
    public var body: String

    public init(
        key: String, stage: String, item: String, endpoint: String, model: String, promptTokens: Int,
        completionTokens: Int, cost: Double, body: String
    ) {
        self.key = key
        self.stage = stage
        self.item = item
        self.endpoint = endpoint
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.body = body
    }
}

/// What the calls of one stage cost: every call paid for, whichever invocation made it.
public struct StageSpend: Sendable, Hashable, Codable {
    public var stage: String
    /// Calls paid for (a request sent again with `--no-cache` counts again).
    public var calls: Int
    /// Distinct items that asked.
    public var items: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double

    public init(stage: String, calls: Int, items: Int, promptTokens: Int, completionTokens: Int, cost: Double) {
        self.stage = stage
        self.calls = calls
        self.items = items
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}
