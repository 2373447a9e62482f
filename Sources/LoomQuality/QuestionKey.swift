import LoomCore

/// What a record asks, reduced to compare records of one sample: the words of the first line of its first
/// question that neither places an image nor lists an option. "Respond with yes or no only." and the option
/// list do not make two questions different.
public enum QuestionKey {
    public static func of(_ record: Record) -> String {
        guard let first = record.turns.first(where: { $0.role == .user }) else { return "" }
        return of(questionText: first.text)
    }

    /// The key of a first user turn's text.
    public static func of(questionText: String) -> String {
        for line in RecordValidator.lines(of: RecordValidator.withoutMediaLines(questionText)) {
            let words = Words.lowercased(line)
            if words.isEmpty { continue }
            return words.joined(separator: " ")
        }
        return ""
    }
}

/// Per-sample question diversity: within one sample, a record that asks what an earlier record (in id order)
/// already asked is a duplicate.
public enum QuestionDiversity {
    /// For each record (in the order given), the id of the earlier record asking the same, or nil.
    public static func repeats(in records: [Record], eligible: (Record) -> Bool) -> [String?] {
        var firstAsker: [String: String] = [:]
        return records.map { record in
            guard eligible(record) else { return nil }
            let key = QuestionKey.of(record) + "|" + record.media.joined(separator: ",")
            if let earlier = firstAsker[key] { return earlier }
            firstAsker[key] = record.id
            return nil
        }
    }
}
