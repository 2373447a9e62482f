/// Why text recognition could not run, in words a user can act on.
public struct OCRError: Error, Sendable, CustomStringConvertible {
    /// A plain sentence, e.g. "tesseract has no 'deu' model installed; apt install tesseract-ocr-deu".
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
