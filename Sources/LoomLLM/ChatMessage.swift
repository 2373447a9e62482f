import Crypto
import Foundation
import LoomCore

/// One message of a chat-completion request: a role and its content parts, in order.
public struct ChatMessage: Sendable, Hashable {
    /// Who speaks the message.
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant
    }

    /// One piece of a message's content: text, or an image sent as a `data:` URL.
    public enum Part: Sendable, Hashable {
        case text(String)
        case image(ChatImage)
    }

    public var role: Role
    public var parts: [Part]

    public init(role: Role, parts: [Part]) {
        self.role = role
        self.parts = parts
    }

    /// A system message of plain text.
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, parts: [.text(text)]) }
    /// A user message of plain text.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, parts: [.text(text)]) }
    /// An assistant message of plain text (in-context examples, correction turns).
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, parts: [.text(text)]) }

    /// The message's text parts joined, for logs and token estimates.
    public var text: String {
        parts.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
    }

    /// The images of the message, in order.
    public var images: [ChatImage] {
        parts.compactMap { if case .image(let image) = $0 { return image } else { return nil } }
    }
}

/// An image sent to a vision model: the bytes of a JPEG (Loom sends the 512-px normalized copy) and the
/// `detail` level OpenAI's API takes.
public struct ChatImage: Sendable, Hashable {
    /// OpenAI's image detail levels; other servers ignore the field.
    public enum Detail: String, Sendable, Hashable, Codable, CaseIterable {
        case auto, low, high
    }

    public var jpeg: Data
    public var detail: Detail
    /// SHA-256 of the bytes, hex: what the request's cache key holds instead of the bytes themselves.
    public let digest: String

    public init(jpeg: Data, detail: Detail = .auto) {
        self.jpeg = jpeg
        self.detail = detail
        digest = SHA256.hash(data: jpeg).hexString
    }

    /// The image as the `data:image/jpeg;base64,…` URL of an `image_url` part.
    public var dataURL: String { "data:image/jpeg;base64," + jpeg.base64EncodedString() }
}
