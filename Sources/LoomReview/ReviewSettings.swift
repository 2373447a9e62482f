import Foundation

/// How a run's manual correction works: passes per record, the disagreement policy, and how long holds last.
/// A recipe's `review:` section sets them (kept in the run store); `loom review serve` options override them.
public struct ReviewSettings: Sendable, Hashable, Codable {
    /// Independent passes each record needs (MMInstruct: three or more rounds).
    public var passes: Int
    public var policy: DisagreementPolicy
    /// How long a reviewer holds a record before another may take it.
    public var leaseSeconds: Double
    /// How long a login lasts.
    public var sessionSeconds: Double
    /// Dollars per reviewer-hour, for the cost of manual correction (`RunCost.reviewCost`); nil: not counted in
    /// dollars. The store reads it from this JSON by its name.
    public var hourlyRate: Double?

    public init(
        passes: Int = 3, policy: DisagreementPolicy = .majority, leaseSeconds: Double = 600, sessionSeconds: Double = 12 * 3600,
        hourlyRate: Double? = nil
    ) {
        self.passes = passes
        self.policy = policy
        self.leaseSeconds = leaseSeconds
        self.sessionSeconds = sessionSeconds
        self.hourlyRate = hourlyRate
    }

    /// The store's meta key holding the recipe's review settings as JSON.
    public static let metaKey = "review_settings"
}
