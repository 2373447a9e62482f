import Foundation
import Yams

/// The acceptance checklists shown beside a record (data files under `Checklists/`, one per domain, plus the
/// checks every record must pass) and the list of reject reasons.
public struct ReviewChecklists: Sendable {
    private let common: [String]
    private let byDomain: [String: [String]]
    /// The reasons offered when rejecting (free text is always possible too).
    public let rejectReasons: [String]

    /// Loads the shipped checklists.
    public init() throws {
        guard let folder = Bundle.module.url(forResource: "Checklists", withExtension: nil) else {
            throw ChecklistError.missing("Checklists")
        }
        try self.init(folder: folder)
    }

    /// Loads checklists from a folder of `<domain>.yaml` files (`items:`), `default.yaml` and `reject-reasons.yaml`.
    public init(folder: URL) throws {
        var common: [String] = []
        var byDomain: [String: [String]] = [:]
        var reasons: [String] = []
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            let text = try String(contentsOf: file, encoding: .utf8)
            guard let document = try Yams.load(yaml: text) as? [String: Any] else { throw ChecklistError.malformed(file.path) }
            let key = name == "reject-reasons" ? "reasons" : "items"
            guard let items = document[key] as? [String] else { throw ChecklistError.malformed(file.path) }
            switch name {
            case "default": common = items
            case "reject-reasons": reasons = items
            default: byDomain[name] = items
            }
        }
        self.common = common
        self.byDomain = byDomain
        rejectReasons = reasons
    }

    /// The checks for a record of `domain`: the domain's own first, then the common ones.
    public func items(for domain: String) -> [String] {
        (byDomain[domain] ?? []) + common
    }

    enum ChecklistError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(String)

        var description: String {
            switch self {
            case .missing(let name): "the review checklists (\(name)) are missing from the installation"
            case .malformed(let path): "\(path): expected a YAML map with a list of strings ('items:' or 'reasons:')"
            }
        }
    }
}
