import Foundation
import LoomCore

/// The data card's HTML page with `{{name}}` placeholders (`Resources/card-template.html`), filled in one pass:
/// a value is inserted as it is and never scanned for placeholders itself, so text from records cannot expand
/// into anything.
public struct CardTemplate: Sendable {
    public let text: String

    /// The page shipped with Loom.
    public static func bundled() throws -> CardTemplate {
        guard let url = Bundle.module.url(forResource: "card-template", withExtension: "html", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "card-template", withExtension: "html")
        else { throw LoomError(.io, "the data card template is missing from LoomReport's resources") }
        do {
            return CardTemplate(text: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw LoomError(.io, "cannot read the data card template: \(error.localizedDescription)", subject: url.path)
        }
    }

    public init(text: String) {
        self.text = text
    }

    /// The names of the placeholders, in order of first appearance.
    public var placeholders: [String] {
        var seen: [String] = []
        for piece in pieces() {
            if case .placeholder(let name) = piece, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// The page with every placeholder replaced by its value.
    ///
    /// - Throws: `LoomError` naming a placeholder without a value.
    public func fill(_ values: [String: String]) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + values.values.reduce(0) { $0 + $1.utf8.count })
        for piece in pieces() {
            switch piece {
            case .text(let literal): out += literal
            case .placeholder(let name):
                guard let value = values[name] else {
                    throw LoomError(.io, "the data card template has a placeholder '\(name)' that nothing fills")
                }
                out += value
            }
        }
        return out
    }

    private enum Piece {
        case text(Substring)
        case placeholder(String)
    }

    /// The template cut into literal text and placeholders (a `{{` without a closing `}}` stays text).
    private func pieces() -> [Piece] {
        var pieces: [Piece] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            pieces.append(.text(rest[..<open.lowerBound]))
            pieces.append(.placeholder(String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)))
            rest = rest[close.upperBound...]
        }
        pieces.append(.text(rest))
        return pieces
    }
}
