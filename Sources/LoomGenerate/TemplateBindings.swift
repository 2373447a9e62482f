/// The values a template's `{placeholders}` are filled with, by name.
///
/// A question has a handful of them, so they are kept as a list of pairs and found by comparing names: a
/// dictionary hashed every name it stored and every name it was asked for, and that hashing was a measurable part
/// of generation. A name set twice keeps its last value.
struct TemplateBindings: ExpressibleByDictionaryLiteral, Sendable {
    private var pairs: [(name: String, value: String)]

    init() { pairs = [] }

    init(dictionaryLiteral elements: (String, String)...) {
        pairs = []
        pairs.reserveCapacity(elements.count + 2)
        for (name, value) in elements { self[name] = value }
    }

    /// The value bound to `name`; setting nil removes it.
    subscript(name: String) -> String? {
        get {
            for pair in pairs where pair.name == name { return pair.value }
            return nil
        }
        set {
            if let index = pairs.firstIndex(where: { $0.name == name }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append((name, newValue))
            }
        }
    }

    /// These bindings with `other`'s added; `other` wins where both bind a name.
    func merging(_ other: TemplateBindings) -> TemplateBindings {
        var merged = self
        for (name, value) in other.pairs { merged[name] = value }
        return merged
    }
}
