import GRDB
import LoomCore

extension RunStore {
    /// Checks that every value a selection names could match: a question type or skill Loom knows, a domain or
    /// language some record of the run has. A typo ("judgment") would otherwise select nothing and write an empty
    /// export without a word.
    /// - Throws: a usage error naming the value and what the run holds instead.
    public func checkNamesMatch(_ selection: RecordSelection) throws {
        func check(_ wanted: Set<String>, _ known: [String], _ what: String, _ option: String) throws {
            let unknown = wanted.subtracting(known).sorted()
            guard !unknown.isEmpty else { return }
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            throw LoomError(
                .usage, "no \(what) is called \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (\(what)s here: \(list))",
                subject: option)
        }
        try check(selection.types, QuestionType.allCases.map(\.rawValue), "question type", "types")
        try check(selection.skills, Skill.allCases.map(\.rawValue), "skill", "skills")
        if !selection.domains.isEmpty { try check(selection.domains, try distinct("domain"), "domain", "domains") }
        if !selection.languages.isEmpty { try check(selection.languages, try distinct("language"), "language", "languages") }
    }

    /// The distinct values of a records column that names a category (`domain`, `language`), sorted.
    private func distinct(_ column: String) throws -> [String] {
        precondition(["domain", "language"].contains(column))
        return try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM records ORDER BY 1") }
    }
}
