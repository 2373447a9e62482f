/// The sign colours of text labels: a name questions can use ("the yellow sign") and the fill drawn.
///
/// All are light, so the dark text on them stays readable.
enum SignCatalog {
    struct SignColor: Sendable, Hashable {
        let name: String
        let red: Double
        let green: Double
        let blue: Double
    }

    static let colors: [SignColor] = [
        SignColor(name: "white", red: 1.0, green: 1.0, blue: 1.0),
        SignColor(name: "yellow", red: 1.0, green: 0.88, blue: 0.30),
        SignColor(name: "light blue", red: 0.68, green: 0.84, blue: 1.0),
        SignColor(name: "light green", red: 0.70, green: 0.92, blue: 0.66),
        SignColor(name: "orange", red: 1.0, green: 0.72, blue: 0.40),
    ]

    /// The colour with the given name; white for a name this version does not know.
    static func color(named name: String) -> SignColor {
        colors.first { $0.name == name } ?? colors[0]
    }
}
