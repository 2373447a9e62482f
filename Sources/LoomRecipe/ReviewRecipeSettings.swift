/// A recipe's `review:` section: how manual correction (`loom review`) works on the run. Not part of the
/// recipe's fingerprint: `loom run` keeps these in the run's store, where the review app reads them.
public struct ReviewRecipeSettings: Codable, Sendable, Hashable {
    /// Independent passes each record needs.
    public var passes: Int = 3
    /// How passes that disagree are settled: `majority` or `any-reject`.
    public var policy: String = "majority"
    /// How long a reviewer holds a record before another may take it.
    public var leaseMinutes: Double = 10
    /// Dollars per reviewer-hour, to count manual correction's cost with the models'; nil: hours only.
    public var hourlyRate: Double?

    public static let policies = ["majority", "any-reject"]

    public init() {}
}
