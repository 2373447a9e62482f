import AsyncHTTPClient
import LoomCore
import NIOCore
import NIOHTTP1

/// Asking an endpoint for its model list before a run relies on it.
extension OpenAIClient {
    /// What `GET /models` says of an endpoint before a run relies on it.
    public enum EndpointCheck: Sendable, Equatable {
        /// The endpoint answered with its models' ids (possibly none).
        case models([String])
        /// The key was refused (401): the error to stop with.
        case refused(ModelError)
        /// No model list at this address (404): the base URL may lack `/v1`, or the server keeps no list.
        case noList(url: String)
        /// Nothing answered (refused, reset, no such host, no answer in time): the reason.
        case unreachable(String)
        /// Any other answer (a 5xx, a body that is not a list).
        case unclear(String)
    }

    /// Asks the endpoint for its list of models, once, without retries: a cheap request every OpenAI-compatible
    /// server answers (OpenAI, vLLM, Ollama, llama.cpp, SGLang), made before a run spends hours on ingest so that
    /// a wrong key or address is found first.
    public func checkEndpoint(timeout seconds: Int64 = 10) async -> EndpointCheck {
        let listURL = String(url.dropLast("/chat/completions".count)) + "/models"
        var request = HTTPClientRequest(url: listURL)
        request.method = .GET
        for header in headers where header.name.lowercased() != "content-type" {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        let status: Int
        let body: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .seconds(seconds))
            status = Int(response.status.code)
            body = Array(try await response.body.collect(upTo: 8 << 20).readableBytesView)
        } catch {
            return .unreachable(TransportFailure.words(error))
        }
        switch status {
        case 200..<300:
            let root: JSONValue? = body.withUnsafeBufferPointer { buffer in
                var parser = JSONParser(bytes: buffer)
                return try? parser.document()
            }
            guard case .object(let members)? = root, case .array(let entries)? = members["data"] else {
                return .unclear("the model list is not {\"data\": [...]}: \(CompletionDecoder.snippet(body))")
            }
            return .models(entries.compactMap { entry in
                guard case .object(let fields) = entry, case .string(let id)? = fields["id"] else { return nil }
                return id
            })
        case 401:
            return .refused(finalError(status: status, message: CompletionDecoder.errorMessage(in: body), body: body))
        case 403:
            // A key may chat without leave to list models (OpenAI's restricted keys keep `api.model.read` apart):
            // the first completion tells whether it may use the model.
            let detail = CompletionDecoder.errorMessage(in: body) ?? CompletionDecoder.snippet(body)
            return .unclear("the key may not list the models (HTTP 403: \(detail)); the chat requests will tell whether it may use the model")
        case 404:
            return .noList(url: listURL)
        default:
            return .unclear("HTTP \(status): \(CompletionDecoder.errorMessage(in: body) ?? CompletionDecoder.snippet(body))")
        }
    }
}
