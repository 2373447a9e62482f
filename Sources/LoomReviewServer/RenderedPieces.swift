import Synchronization

/// Parts of pages that depend only on a short list of lines (a domain's checklist, the reject reasons), rendered
/// once per distinct list and kept.
final class RenderedPieces: Sendable {
    private let cache = Mutex<[String: String]>([:])

    /// The HTML `render` makes of `lines`, from the cache when these lines were rendered under `key` before.
    func rendered(key: String, for lines: [String], render: ([String]) -> String) -> String {
        let cacheKey = key + "\n" + lines.joined(separator: "\n")
        if let known = cache.withLock({ $0[cacheKey] }) { return known }
        let html = render(lines)
        cache.withLock { $0[cacheKey] = html }
        return html
    }
}
