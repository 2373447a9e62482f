import LoomCore

/// One record as the exports need it: its conversation and labels, read without decoding the whole record.
public struct ExportRow: Sendable, Hashable {
    public var id: String
    public var sampleID: String
    /// Media ids in the order the `<image>` placeholders refer to them.
    public var media: [String]
    /// The conversation. Empty when `storedShareGPT` holds it instead.
    public var turns: [Turn]
    /// The conversation exactly as stored, when the export asked for it (`RunStore.forEachExportRow`'s
    /// `copiesShareGPT`, for formats that write ShareGPT as it is) and it is canonical (`CanonicalShareGPT`);
    /// `turns` is then empty. Whoever changes the conversation sets `turns` and clears this.
    public var storedShareGPT: [UInt8]?
    public var type: String
    public var domain: String
    public var skill: String?
    public var language: String
    /// The record's in-context role and examples, when the export asked for them and the record has some.
    public var inContext: StoredInContextLink?
    /// Each medium's position in the export's media catalog, in `media` order, when the export's reading thread
    /// looked them up ahead (so the writing thread does not); nil otherwise. Whoever changes `media` clears it.
    public var catalogSlots: [Int32]?

    public init(
        id: String, sampleID: String, media: [String], turns: [Turn], type: String, domain: String, skill: String?,
        language: String
    ) {
        self.id = id
        self.sampleID = sampleID
        self.media = media
        self.turns = turns
        self.type = type
        self.domain = domain
        self.skill = skill
        self.language = language
    }
}
