import LoomStore

/// How a record's independent passes become a decision (MMInstruct corrected in several rounds; teams differ in
/// how they settle disagreements).
public enum DisagreementPolicy: String, Sendable, Codable, CaseIterable {
    /// The verdict most passes gave; a tie goes to an adjudicator.
    case majority
    /// Accepted only if every pass accepts; any reject sends the record to an adjudicator.
    case anyReject = "any-reject"

    /// The status after `verdicts` (in pass order) when `required` passes are needed.
    public func status(after verdicts: [ReviewVerdict], required: Int) -> ReviewStatus {
        if verdicts.isEmpty { return .pending }
        guard verdicts.count >= required else { return .inReview }
        let accepts = verdicts.filter { $0 == .accept }.count
        let rejects = verdicts.count - accepts
        switch self {
        case .majority:
            if accepts == rejects { return .adjudication }
            return accepts > rejects ? .accepted : .rejected
        case .anyReject:
            return rejects == 0 ? .accepted : .adjudication
        }
    }
}
