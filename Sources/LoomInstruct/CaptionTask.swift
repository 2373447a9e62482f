import LoomCore
import LoomLLM

/// What the caption stage learns about one image: a detailed description and the domains it fits.
public struct CaptionResult: Sendable, Hashable {
    public var caption: String
    /// Domain ids from the allowed list, best first.
    public var domains: [String]
}

/// MMInstruct's step b: a detailed caption per image from a vision model, with a universal instruction, the
/// addition of the image's domain when its source names one, its OCR text and its known annotations.
public struct CaptionTask: Sendable {
    public let prompt: CaptionPrompt
    public let domains: [DomainPrompt]
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.caption
        domains = catalog.domains
        self.sampling = sampling
    }

    /// The request for one image.
    /// - Parameters:
    ///   - domain: the domain the image's source names, if any: its caption addition is included.
    ///   - candidates: the domains the caption may assign (the recipe's list).
    public func request(
        model: String, image: ChatImage, ocr: [String], known: String?, domain: String?, candidates: [String]
    ) -> ChatRequest {
        let addition = domain.flatMap { id in domains.first { $0.id == id }?.captionAddition } ?? ""
        let ocrText = ocr.isEmpty ? "" : PromptText.fill(prompt.ocr, ["text": ocr.map { "\"\($0)\"" }.joined(separator: "; ")])
        let knownText = (known?.isEmpty ?? true) ? "" : PromptText.fill(prompt.annotations, ["text": known!])
        let instruction = PromptText.fill(prompt.instruction, [
            "domain_addition": addition, "ocr": ocrText, "annotations": knownText,
            "domains": candidates.joined(separator: ", "),
        ])
        return ChatRequest(
            model: model,
            messages: [.system(prompt.system), ChatMessage(role: .user, parts: [.image(image), .text(instruction)])],
            temperature: sampling.temperature, maxTokens: sampling.maxTokens,
            schema: ResponseSchema(name: "caption", json: prompt.schema))
    }

    /// Reads the reply: a caption of at least 8 words; domains outside `candidates` are dropped, and an image
    /// the model assigns no known domain gets the first candidate.
    public static func decode(_ value: JSONValue, candidates: [String]) throws(ReplyProblem) -> CaptionResult {
        let fields = try ReplyFields(value)
        let caption = try fields.text("caption")
        if RefusalText.opensWithRefusal(caption) {
            // Kept, a refusal would be the caption every later stage writes from, and the grounding evidence.
            throw ReplyProblem("caption declines to describe the image (\"\(caption.prefix(60))\"): describe what the image shows")
        }
        if ModelText.wordCount(caption) < 8 {
            throw ReplyProblem("caption is too short: describe the image in detail, in several sentences")
        }
        // A single domain written as text instead of a list is read as a list of one.
        let named: [String]
        if case .string? = fields.members["domains"] { named = [try fields.text("domains")] } else { named = (try fields.texts("domains")) ?? [] }
        var domains: [String] = []
        for name in named {
            let id = name.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            if candidates.contains(id) && !domains.contains(id) { domains.append(id) }
        }
        if domains.isEmpty, let first = candidates.first { domains = [first] }
        return CaptionResult(caption: caption, domains: domains)
    }
}
