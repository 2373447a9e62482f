/// One server-sent event: the `data` lines joined by "\n", and the `event` and `id` fields when the server set them.
public struct SSEEvent: Sendable, Hashable {
    /// The `event` field; nil when the server sent none (the spec's default type is "message").
    public var event: String?
    /// The `data` lines of the event, joined by "\n".
    public var data: String
    /// The last `id` field seen, if any.
    public var id: String?

    /// An event with these fields.
    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental parser for a `text/event-stream` body (the WHATWG server-sent-events format).
///
/// Feed it the body's bytes in whatever chunks they arrive; it returns each event once the empty line that ends it
/// has been read. Lines end in LF, CR or CRLF, and a CRLF split across two chunks counts as one line end. Lines
/// starting with `:` are comments. A line `error: …` (a field the spec does not have, which older llama.cpp servers
/// write) is read as an event of type "error". At the end of the input call `finish()`: an event without its closing empty line
/// is discarded, as the spec says, and `finish()` reports whether that happened.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastID: String?
    /// The previous chunk ended in CR: an LF at the start of the next chunk belongs to that line end.
    private var afterCR = false
    /// Whether any byte has been seen, for the optional UTF-8 byte-order mark at the very start.
    private var started = false
    /// Fields read since the last dispatch: an event is under way even if it has no `data` yet.
    private var pendingFields = false

    /// A parser at the start of a stream.
    public init() {}

    /// Reads `bytes` and calls `onEvent` for every event they complete, in order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, onEvent: (SSEEvent) -> Void) {
        var index = 0
        let count = bytes.count
        if !started && count > 0 {
            started = true
            if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
        }
        if afterCR && index < count {
            afterCR = false
            if bytes[index] == 0x0A { index += 1 }
        }
        var runStart = index
        while index < count {
            let byte = bytes[index]
            if byte != 0x0A && byte != 0x0D {
                index += 1
                continue
            }
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            processLine(onEvent: onEvent)
            index += 1
            if byte == 0x0D {
                if index < count {
                    if bytes[index] == 0x0A { index += 1 }
                } else {
                    afterCR = true
                }
            }
            runStart = index
        }
        if runStart < count { line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<count])) }
    }

    /// Reads `bytes` and returns the events they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        let array = Array(bytes)
        array.withUnsafeBytes { buffer in feed(buffer) { events.append($0) } }
        return events
    }

    /// Ends the input. Returns true when an event had begun without its closing empty line (it is not dispatched);
    /// the parser is then reset.
    @discardableResult
    public mutating func finish() -> Bool {
        let unterminated = !line.isEmpty || pendingFields
        self = SSEParser()
        return unterminated
    }

    private mutating func processLine(onEvent: (SSEEvent) -> Void) {
        defer { line.removeAll(keepingCapacity: true) }
        guard let first = line.first else {
            dispatch(onEvent: onEvent)
            return
        }
        if first == 0x3A { return }  // ':' starts a comment (servers send them as keep-alives)
        pendingFields = true
        let colon = line.firstIndex(of: 0x3A)
        let nameEnd = colon ?? line.count
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count && line[valueStart] == 0x20 { valueStart += 1 }
        line.withUnsafeBufferPointer { buffer in
            let name = UnsafeBufferPointer(rebasing: buffer[0..<nameEnd])
            let value = UnsafeBufferPointer(rebasing: buffer[valueStart..<buffer.count])
            if name.elementsEqual("data".utf8) {
                if hasData { data.append(0x0A) }
                data.append(contentsOf: value)
                hasData = true
            } else if name.elementsEqual("error".utf8) {
                // Not a field of the spec: llama.cpp's server before September 2025 wrote a late error as
                // `error: {json}` (then `data: [DONE]`), at HTTP 200. Ignored as the spec says, the stream looked
                // like a finished, empty reply; read as an event of type "error" it keeps the server's message.
                if hasData { data.append(0x0A) }
                data.append(contentsOf: value)
                hasData = true
                eventType = "error"
            } else if name.elementsEqual("event".utf8) {
                eventType = String(decoding: value, as: UTF8.self)
            } else if name.elementsEqual("id".utf8) {
                // An id holding NUL is ignored, per the spec.
                if !value.contains(0) { lastID = String(decoding: value, as: UTF8.self) }
            }
            // `retry` and unknown fields are ignored: the client does its own reconnection policy.
        }
    }

    private mutating func dispatch(onEvent: (SSEEvent) -> Void) {
        pendingFields = false
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
        }
        // An event without data lines is not dispatched (spec: "if the data buffer is an empty string, … return").
        guard hasData else { return }
        onEvent(SSEEvent(event: eventType, data: String(decoding: data, as: UTF8.self), id: lastID))
    }
}
