import LoomCore
import LoomStore

/// The record labels the formats with room for metadata carry beside the conversation.
enum ExportMetadata {
    /// `, "question_type": …, "domain": …, "skill": …|null, "language": …` (continuing an open object).
    static func appendLabels(_ row: ExportRow, to out: inout [UInt8]) {
        out.append(contentsOf: #", "question_type": "#.utf8)
        JSONText.appendQuoted(row.type, to: &out)
        out.append(contentsOf: #", "domain": "#.utf8)
        JSONText.appendQuoted(row.domain, to: &out)
        out.append(contentsOf: #", "skill": "#.utf8)
        if let skill = row.skill { JSONText.appendQuoted(skill, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #", "language": "#.utf8)
        JSONText.appendQuoted(row.language, to: &out)
    }
}
