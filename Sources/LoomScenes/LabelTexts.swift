import Foundation

/// The texts signs may show, read from `Resources/label-texts.txt` (one per line; `#` starts a comment line).
enum LabelTexts {
    /// Every usable text, in file order.
    static let all: [String] = {
        guard let url = Bundle.module.url(forResource: "label-texts", withExtension: "txt", subdirectory: "Resources"),
            let contents = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("LoomScenes is missing its resource Resources/label-texts.txt")
        }
        return parse(contents)
    }()

    /// The non-empty, non-comment lines of a label text file, trimmed, without duplicates.
    static func parse(_ contents: String) -> [String] {
        var seen: Set<String> = []
        return contents.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && seen.insert($0).inserted }
    }
}
