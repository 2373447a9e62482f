import Foundation
import LoomCore

/// The JSON body of an OpenAI `chat.completions` request, written straight into bytes.
///
/// A dedicated writer rather than `JSONEncoder`: the shape is fixed, images are large base64 strings that are
/// encoded in place instead of through an intermediate `String`, and the schema text is spliced in as it is.
public enum RequestBody {
    /// The body for `request` with the structured-output hint of `mode` (`.auto` writes `json_schema`; the client
    /// resolves `.auto` to the mode it has negotiated with the endpoint before calling this).
    ///
    /// - Parameters:
    ///   - model: used when `request.model` is empty.
    ///   - stream: ask for server-sent events, with usage in the last chunk.
    ///   - parameters: how the endpoint takes the token limit and the sampling settings.
    public static func bytes(
        for request: ChatRequest, structuredOutput mode: StructuredOutputMode, stream: Bool, model: String? = nil,
        parameters: RequestParameters = RequestParameters()
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize(request))
        write(request, structuredOutput: mode, stream: stream, model: model, parameters: parameters, to: &out)
        return out
    }

    /// Appends the body to `out`.
    public static func write(
        _ request: ChatRequest, structuredOutput mode: StructuredOutputMode, stream: Bool, model: String? = nil,
        parameters: RequestParameters = RequestParameters(), to out: inout [UInt8]
    ) {
        out.append(contentsOf: #"{"model":"#.utf8)
        JSONText.appendQuoted(request.model.isEmpty ? (model ?? "") : request.model, to: &out)
        out.append(contentsOf: #","messages":["#.utf8)
        for (index, message) in request.messages.enumerated() {
            if index > 0 { out.append(0x2C) }
            writeMessage(message, to: &out)
        }
        out.append(0x5D)
        if let temperature = request.temperature, temperature.isFinite, !parameters.omitsSampling {
            out.append(contentsOf: #","temperature":"#.utf8)
            out.append(contentsOf: temperature.description.utf8)
        }
        if let topP = request.topP, topP.isFinite, !parameters.omitsSampling {
            out.append(contentsOf: #","top_p":"#.utf8)
            out.append(contentsOf: topP.description.utf8)
        }
        if let maxTokens = request.maxTokens {
            out.append(contentsOf: #",""#.utf8)
            out.append(contentsOf: parameters.maxTokensField.utf8)
            out.append(contentsOf: #"":"#.utf8)
            out.append(contentsOf: String(maxTokens).utf8)
        }
        if let seed = request.seed {
            out.append(contentsOf: #","seed":"#.utf8)
            out.append(contentsOf: String(seed).utf8)
        }
        if stream {
            out.append(contentsOf: #","stream":true,"stream_options":{"include_usage":true}"#.utf8)
        }
        if let schema = request.schema {
            writeStructuredOutput(schema, mode: mode, to: &out)
        }
        out.append(0x7D)
    }

    private static func writeStructuredOutput(_ schema: ResponseSchema, mode: StructuredOutputMode, to out: inout [UInt8]) {
        switch mode {
        case .auto, .jsonSchema, .ollamaFormat:
            out.append(contentsOf: #","response_format":{"type":"json_schema","json_schema":{"name":"#.utf8)
            JSONText.appendQuoted(schema.name, to: &out)
            out.append(contentsOf: #","schema":"#.utf8)
            out.append(contentsOf: schema.json.utf8)
            out.append(contentsOf: #","strict":true}}"#.utf8)
        case .jsonObject:
            out.append(contentsOf: #","response_format":{"type":"json_object"}"#.utf8)
        case .structuredOutputs:
            out.append(contentsOf: #","structured_outputs":{"json":"#.utf8)
            out.append(contentsOf: schema.json.utf8)
            out.append(0x7D)
        case .guidedJSON:
            out.append(contentsOf: #","guided_json":"#.utf8)
            out.append(contentsOf: schema.json.utf8)
        case .none:
            break
        }
    }

    private static func writeMessage(_ message: ChatMessage, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"role":"#.utf8)
        JSONText.appendQuoted(message.role.rawValue, to: &out)
        out.append(contentsOf: #","content":"#.utf8)
        let hasImages = message.parts.contains { if case .image = $0 { return true } else { return false } }
        if !hasImages {
            // Plain string content: every server takes it, some take nothing else for system messages.
            if message.parts.count == 1, case .text(let text) = message.parts[0] {
                JSONText.appendQuoted(text, to: &out)
            } else {
                JSONText.appendQuoted(message.text, to: &out)
            }
            out.append(0x7D)
            return
        }
        out.append(0x5B)
        for (index, part) in message.parts.enumerated() {
            if index > 0 { out.append(0x2C) }
            switch part {
            case .text(let text):
                out.append(contentsOf: #"{"type":"text","text":"#.utf8)
                JSONText.appendQuoted(text, to: &out)
                out.append(0x7D)
            case .image(let image):
                out.append(contentsOf: #"{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,"#.utf8)
                Base64.append(image.jpeg, to: &out)
                out.append(contentsOf: #"","detail":"#.utf8)
                JSONText.appendQuoted(image.detail.rawValue, to: &out)
                out.append(contentsOf: "}}".utf8)
            }
        }
        out.append(contentsOf: "]}".utf8)
    }

    private static func estimatedSize(_ request: ChatRequest) -> Int {
        var size = 256 + (request.schema?.json.utf8.count ?? 0)
        for message in request.messages {
            size += 48
            for part in message.parts {
                switch part {
                case .text(let text): size += text.utf8.count + 32
                case .image(let image): size += (image.jpeg.count + 2) / 3 * 4 + 96
                }
            }
        }
        return size
    }
}
