/// How an endpoint takes the optional fields of a request, learned from the answers that refused them.
///
/// OpenAI's reasoning models (the o-series, gpt-5 and later) refuse `max_tokens` ("Use 'max_completion_tokens'
/// instead") and any sampling setting but the default; other servers take both. The client starts with the fields
/// every other server knows and changes them for the endpoint the first time one is refused, so that a recipe
/// works against either without a setting of its own.
public struct RequestParameters: Sendable, Equatable {
    /// The token limit goes out as `max_completion_tokens` instead of `max_tokens`.
    public var usesMaxCompletionTokens: Bool
    /// `temperature` and `top_p` are left out (the model takes only its defaults).
    public var omitsSampling: Bool

    public init(usesMaxCompletionTokens: Bool = false, omitsSampling: Bool = false) {
        self.usesMaxCompletionTokens = usesMaxCompletionTokens
        self.omitsSampling = omitsSampling
    }

    /// The name the token limit is sent under.
    var maxTokensField: String { usesMaxCompletionTokens ? "max_completion_tokens" : "max_tokens" }

    /// The parameters to send again with after a 400 or 422 that refused one of these fields, or nil when the
    /// refusal names none of them (or names one already changed).
    ///
    /// - Parameters:
    ///   - message: the error's message.
    ///   - parameter: the error's `param` field, when the body has one (OpenAI's does).
    func adapted(toRefusal message: String?, parameter: String?) -> RequestParameters? {
        let text = message?.lowercased() ?? ""
        var next = self
        let refusal = ["unsupported", "not supported", "does not support", "only the default"]
        // Only a refusal of the name: "'max_tokens' or 'max_completion_tokens' is too large" (vLLM, a prompt too long
        // for the context) names it too, and a server that ignores `max_completion_tokens` (Ollama) would then
        // write without a limit.
        if (parameter == "max_tokens" || text.contains("max_completion_tokens")),
            refusal.contains(where: text.contains) || text.contains("instead")
        {
            next.usesMaxCompletionTokens = true
        }
        let sampling = ["temperature", "top_p"]
        if let parameter, sampling.contains(parameter) {
            next.omitsSampling = true
        } else if sampling.contains(where: text.contains), refusal.contains(where: text.contains) {
            next.omitsSampling = true
        }
        return next == self ? nil : next
    }
}
