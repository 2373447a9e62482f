/// The stages a sample goes through. Each has a ledger row per sample.
public enum Stage: String, Sendable, CaseIterable, Codable {
    /// Read, identify, normalize and hash the files of the user's collections (one ledger row per file path).
    case ingest
    /// Ask and check questions grounded in the annotations of ingested images (one ledger row per sample).
    case ground
    /// Turn the rows of existing datasets into records (one ledger row per dataset row).
    case convert
    /// Compose the scene's ground truth, draw and encode its images.
    case render
    /// Instantiate the templates into records.
    case generate
    /// Recompute every answer independently and flag disagreements.
    case check
    /// Write the training formats (one ledger row per export).
    case export
}
