import LoomCore

/// Reads `stages.quality`.
enum QualityReader {
    static func read(_ reader: MappingReader) -> QualitySettings {
        var settings = QualitySettings()
        settings.enabled = reader.bool("enabled", default: true)
        if let lengths = reader.mapping("lengths") {
            for key in lengths.keys {
                guard let type = QuestionType(rawValue: key) else {
                    lengths.report("'\(key)' is not a question type (\(QuestionType.allCases.map(\.rawValue).joined(separator: ", ")))", key: key)
                    continue
                }
                guard let bounds = lengths.mapping(key) else { continue }
                let min = bounds.has("min_words") ? bounds.int("min_words", default: 0, in: 0...100_000) : nil
                let max = bounds.has("max_words") ? bounds.int("max_words", default: 0, in: 1...100_000) : nil
                if let min, let max, min > max { bounds.report("min_words (\(min)) is larger than max_words (\(max))", key: "min_words") }
                bounds.finish()
                settings.lengths[type] = WordBounds(min: min, max: max)
            }
            lengths.finish()
        }
        settings.maxTurnBytes = reader.int("max_turn_bytes", default: settings.maxTurnBytes, in: 64...100_000_000)
        if reader.has("grounding") {
            if let value = reader.value("grounding"), value.bool == false {
                settings.groundingThreshold = nil
            } else if let grounding = reader.mapping("grounding") {
                settings.groundingThreshold = grounding.double("threshold", default: 0.5, in: 0...1)
                grounding.finish()
            }
        }
        if let dedup = reader.mapping("dedup") {
            var value = DedupSettings()
            value.exact = dedup.bool("exact", default: true)
            value.perSample = dedup.bool("per_sample", default: true)
            if let node = dedup.value("near"), node.bool == false {
                value.near = false
            } else if let near = dedup.mapping("near") {
                value.threshold = near.double("threshold", default: value.threshold, in: 0.05...1)
                value.permutations = near.int("permutations", default: value.permutations, in: 16...1024)
                value.shingle = near.int("shingle", default: value.shingle, in: 1...16)
                value.minWords = near.int("min_words", default: value.minWords, in: 0...100_000)
                value.scope = DedupSettings.Scope(
                    rawValue: near.string("scope", default: "images", allowed: DedupSettings.Scope.allCases.map(\.rawValue))) ?? .images
                near.finish()
            }
            dedup.finish()
            settings.dedup = value
        }
        if let balance = reader.mapping("balance") {
            var value = BalanceSettings()
            value.yesNo = balance.bool("yes_no", default: true)
            value.letters = balance.bool("letters", default: true)
            if let quotas = balance.mapping("quotas") {
                for key in quotas.keys {
                    guard let field = BalanceSettings.Field(rawValue: key) else {
                        quotas.report("quotas are set per \(BalanceSettings.Field.allCases.map(\.rawValue).joined(separator: ", ")), not '\(key)'", key: key)
                        continue
                    }
                    guard let values = quotas.mapping(key) else { continue }
                    var counts: [String: Int] = [:]
                    for name in values.keys {
                        if field == .type, name != "others", QuestionType(rawValue: name) == nil {
                            values.report("'\(name)' is not a question type", key: name)
                        }
                        if field == .skill, name != "others", Skill(rawValue: name) == nil {
                            values.report("'\(name)' is not a skill (\(Skill.allCases.map(\.rawValue).joined(separator: ", ")))", key: name)
                        }
                        counts[name] = values.int(name, default: 0, in: 0...1_000_000_000)
                    }
                    values.finish()
                    value.quotas[field] = counts
                }
                quotas.finish()
            }
            balance.finish()
            settings.balance = value
        }
        reader.finish()
        return settings
    }
}
