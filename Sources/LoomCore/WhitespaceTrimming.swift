extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, line ends and the other Unicode spaces),
    /// without Foundation.
    public var trimmingWhitespace: String {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[start...end])
    }
}
