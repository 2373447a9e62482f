import Crypto
import Foundation
import LoomCore

/// A JSON Schema the reply must follow: sent as `response_format` where the endpoint takes it, and always
/// checked on the reply by Loom itself.
public struct ResponseSchema: Sendable, Hashable {
    /// The schema's name (`response_format.json_schema.name`): letters, digits, `_` and `-`.
    public var name: String
    /// The schema as compact JSON text.
    public var json: String

    public init(name: String, json: String) {
        self.name = name
        self.json = json
    }
}

/// One chat-completion request, independent of the endpoint that will serve it.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// A sampling seed, for servers that honour it.
    public var seed: Int?
    /// The structure the reply must have, if any.
    public var schema: ResponseSchema?

    public init(
        model: String, messages: [ChatMessage], temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil,
        seed: Int? = nil, schema: ResponseSchema? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.schema = schema
    }

    /// SHA-256 (hex) of everything that decides the reply: model, messages with their images (by content
    /// hash), sampling parameters and schema. Equal requests have equal keys, so a resumed or repeated run
    /// finds the reply it already paid for.
    public var cacheKey: String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(String(text.utf8.count).utf8))
            hasher.update(data: Data(":".utf8))
            hasher.update(data: Data(text.utf8))
        }
        add("loom-chat-v1")
        add(model)
        for message in messages {
            add(message.role.rawValue)
            for part in message.parts {
                switch part {
                case .text(let text):
                    add("text")
                    add(text)
                case .image(let image):
                    add("image")
                    add(image.digest)
                    add(image.detail.rawValue)
                }
            }
            add("end")
        }
        add(temperature.map { String($0) } ?? "-")
        add(topP.map { String($0) } ?? "-")
        add(maxTokens.map { String($0) } ?? "-")
        add(seed.map { String($0) } ?? "-")
        add(schema.map { $0.name + $0.json } ?? "-")
        return hasher.finalize().hexString
    }

    /// The request with more messages appended (a correction turn).
    public func appending(_ more: [ChatMessage]) -> ChatRequest {
        var copy = self
        copy.messages += more
        return copy
    }
}
