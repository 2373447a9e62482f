import LoomCore

/// What error bodies say, in the words each server uses: the answers that decide whether a failure stops the run,
/// is the item's own, or is retried.
extension OpenAIClient {
    /// Whether a 429's body says the account has no quota or credit left (OpenAI's `insufficient_quota`), as
    /// opposed to a rate limit that passes.
    static func saysQuotaIsUsedUp(_ body: [UInt8]) -> Bool {
        let text = String(decoding: body.prefix(4096), as: UTF8.self).lowercased()
        return ["insufficient_quota", "exceeded your current quota", "billing", "insufficient credit", "insufficient balance"]
            .contains(where: text.contains)
    }

    /// Whether an error body says the server takes no images (llama.cpp's server without `--mmproj` answers an
    /// image with a 500 saying so).
    static func saysImagesAreUnsupported(_ body: [UInt8]) -> Bool {
        guard let message = CompletionDecoder.errorMessage(in: body)?.lowercased() else { return false }
        return message.contains("image input is not supported") || message.contains("mmproj")
    }

    /// Whether a 403's body says a moderation or guardrail check flagged this request's input (OpenRouter's
    /// moderated models: `error.metadata.reasons` and `flagged_input`), rather than that the key may not use the
    /// model.
    static func saysInputWasFlagged(_ body: [UInt8]) -> Bool {
        guard case .object(let root)? = try? JSONValue.parse(body), case .object(let error)? = root["error"] else {
            return false
        }
        if case .object(let metadata)? = error["metadata"], metadata["flagged_input"] != nil || metadata["reasons"] != nil {
            return true
        }
        let message = error["message"]?.stringValue?.lowercased() ?? ""
        return ["flagged", "moderation", "guardrail"].contains(where: message.contains)
    }

    /// Whether a 400's message says the model does not exist.
    static func namesMissingModel(_ message: String) -> Bool {
        let text = message.lowercased()
        guard text.contains("model") else { return false }
        return ["not found", "does not exist", "doesn't exist", "not exist", "no such model", "unknown model", "invalid model"]
            .contains(where: text.contains)
    }
}
