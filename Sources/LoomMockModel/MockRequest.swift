import LoomCore

/// One request the mock server received, with accessors for what tests ask about.
///
/// The body is parsed only when asked (`json` and the accessors built on it): a benchmark responder that never
/// looks at it pays nothing.
public struct MockRequest: Sendable {
    /// `POST`, `GET`, …
    public var method: String
    /// The request target, e.g. `/v1/chat/completions`.
    public var path: String
    /// The headers as sent, in order.
    public var headers: [(String, String)]
    /// The raw body.
    public var body: [UInt8]
    /// The 0-based order of arrival among all requests this server received.
    public var index: Int

    /// A request with these parts (the server makes them; tests of responders may too).
    public init(method: String, path: String, headers: [(String, String)], body: [UInt8], index: Int) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.index = index
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }

    /// The body as text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, or nil when it is not JSON. Parsed on every access: keep it if you need it twice.
    public var json: JSONValue? { try? JSONValue.parse(body) }

    private var root: [String: JSONValue] {
        if case .object(let members)? = json { return members }
        return [:]
    }

    /// The top-level member `name` of the JSON body.
    public func field(_ name: String) -> JSONValue? { root[name] }

    /// The requested model.
    public var model: String? { root["model"]?.stringValue }

    /// The `messages` array.
    public var messages: [JSONValue] {
        if case .array(let list)? = root["messages"] { return list }
        return []
    }

    /// The number of messages.
    public var messageCount: Int { messages.count }

    /// The texts of every message (string content, or the `text` parts), joined with "\n".
    public var messageTexts: String { messages.map(MockRequest.text(of:)).joined(separator: "\n") }

    /// The text of the last message, whatever its role.
    public var lastMessageText: String? { messages.last.map(MockRequest.text(of:)) }

    /// The role of each message, in order.
    public var roles: [String] {
        messages.map { message in
            if case .object(let members) = message { return members["role"]?.stringValue ?? "" }
            return ""
        }
    }

    /// How many `image_url` parts the messages hold.
    public var imageCount: Int {
        var count = 0
        for message in messages {
            guard case .object(let members) = message, case .array(let parts)? = members["content"] else { continue }
            for case .object(let part) in parts where part["type"]?.stringValue == "image_url" { count += 1 }
        }
        return count
    }

    /// The image URLs (`data:` URLs for Loom), in order.
    public var imageURLs: [String] {
        var urls: [String] = []
        for message in messages {
            guard case .object(let members) = message, case .array(let parts)? = members["content"] else { continue }
            for case .object(let part) in parts {
                if case .object(let image)? = part["image_url"], let url = image["url"]?.stringValue { urls.append(url) }
            }
        }
        return urls
    }

    /// Whether the body asks for `stream: true`. A byte scan, no parse: the server itself asks this of every
    /// completion it sends.
    public var wantsStream: Bool { MockRequest.scanForStreamTrue(body) }

    /// `response_format.type` (`json_schema`, `json_object`, …), when present.
    public var responseFormatType: String? {
        if case .object(let format)? = root["response_format"] { return format["type"]?.stringValue }
        return nil
    }

    /// Whether the body has a `response_format` member at all.
    public var hasResponseFormat: Bool { root["response_format"] != nil }

    private static func text(of message: JSONValue) -> String {
        guard case .object(let members) = message else { return "" }
        switch members["content"] {
        case .string(let text)?: return text
        case .array(let parts)?:
            return parts.compactMap { part -> String? in
                if case .object(let fields) = part, fields["type"]?.stringValue == "text" { return fields["text"]?.stringValue }
                return nil
            }.joined(separator: "\n")
        default: return ""
        }
    }

    /// Finds `"stream"` followed by `:` and `true`, with any whitespace between. A quote inside a JSON string is
    /// escaped, so an unescaped `"stream"` followed by a colon can only be a member name.
    static func scanForStreamTrue(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { scanForStreamTrue($0) }
    }

    static func scanForStreamTrue(_ buffer: UnsafeRawBufferPointer) -> Bool {
        let key: [UInt8] = Array(#""stream""#.utf8)
        do {
            let count = buffer.count
            var index = 0
            while index + key.count <= count {
                if buffer[index] == 0x22 && buffer[index + 1] == 0x73 {
                    var matches = true
                    for offset in 2..<key.count where buffer[index + offset] != key[offset] {
                        matches = false
                        break
                    }
                    if matches && (index == 0 || buffer[index - 1] != 0x5C) {
                        var cursor = index + key.count
                        func skipSpace() {
                            while cursor < count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[cursor]) { cursor += 1 }
                        }
                        skipSpace()
                        if cursor < count && buffer[cursor] == 0x3A {
                            cursor += 1
                            skipSpace()
                            if cursor + 4 <= count && buffer[cursor] == 0x74 && buffer[cursor + 1] == 0x72
                                && buffer[cursor + 2] == 0x75 && buffer[cursor + 3] == 0x65
                            {
                                return true
                            }
                        }
                    }
                }
                index += 1
            }
            return false
        }
    }
}
