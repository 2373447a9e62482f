/// An error a user can act on: what went wrong, where (a file, a record, a stage), and why.
public struct LoomError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; lets callers decide whether to stop the run or record and go on.
    public enum Kind: String, Sendable, Codable {
        case recipe, store, io, render, generate, check, export, usage, model
    }

    public var kind: Kind
    /// The file, record or item the error concerns, when there is one.
    public var subject: String?
    public var message: String

    public init(_ kind: Kind, _ message: String, subject: String? = nil) {
        self.kind = kind
        self.message = message
        self.subject = subject
    }

    public var description: String {
        if let subject { return "\(subject): \(message)" }
        return message
    }
}
