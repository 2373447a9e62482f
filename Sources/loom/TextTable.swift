/// Rows of text in aligned columns for the terminal: the first column left-aligned, numbers right-aligned.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns aligned left (the rest are aligned right).
    var leftAligned: Set<Int> = [0]

    init(_ header: [String], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.leftAligned = leftAligned
    }

    mutating func add(_ row: [String]) {
        rows.append(row.map(TextTable.terminalSafe))
    }

    /// The table, two spaces between columns, trailing spaces trimmed.
    func render() -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in all { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                line += (index > 0 ? "  " : "") + (leftAligned.contains(index) ? cell + pad : pad + cell)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Text from the dataset made safe to print: control characters (escape sequences among them) dropped and
    /// line breaks turned into spaces.
    static func terminalSafe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || scalar == "\r" {
                out += " "
            } else if scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
