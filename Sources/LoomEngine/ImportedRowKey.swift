import LoomCore

/// What tells one imported row's content from another's: its images (by content id) and its conversation.
///
/// A row without a Loom id of its own gets its record id from this key, and from how many rows before it in the
/// file have the same content, not from its position: deleting or inserting a row leaves the other rows' ids, and
/// with them their review state, as they were.
enum ImportedRowKey {
    /// The key of a row about to be imported.
    static func of(media: [String], turns: [Turn]) -> String {
        var conversation: [UInt8] = []
        JSONText.appendTurns(turns, keys: .shareGPT, to: &conversation)
        return StableID.derive("row", media.joined(separator: ","), String(decoding: conversation, as: UTF8.self))
    }

    /// The key of a stored record's content (nil when its conversation is not ShareGPT). The conversation is read
    /// and written again, so that a layout an older Loom stored gives the key of the same row.
    static func of(media: [String], shareGPT: String) -> String? {
        Turn.turns(fromShareGPT: shareGPT).map { of(media: media, turns: $0) }
    }
}
