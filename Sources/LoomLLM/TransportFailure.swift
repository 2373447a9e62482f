import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// A failed connection in words a user can act on ("nothing is listening there (connection refused)"), instead of
/// the networking library's description of the error's type and errno.
enum TransportFailure {
    /// The reason `error` gives, at most about 300 characters.
    static func words(_ error: any Error) -> String {
        if let code = errnoCode(error) {
            switch code {
            case ECONNREFUSED: return "nothing is listening there (connection refused): is the server running, on this port?"
            case ECONNRESET: return "the server closed the connection (connection reset)"
            case EHOSTUNREACH, ENETUNREACH: return "the host cannot be reached from here (no route)"
            case ETIMEDOUT: return "the connection timed out"
            default: return String(cString: strerror(code))
            }
        }
        if let error = error as? NIOConnectionError, error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            return "the host name does not resolve (DNS)"
        }
        let text = "\(error)"
        if text.contains("Connection refused") {
            return "nothing is listening there (connection refused): is the server running, on this port?"
        }
        return CompletionDecoder.clip(text, to: 300)
    }

    /// The errno behind a connection failure, when there is one.
    private static func errnoCode(_ error: any Error) -> Int32? {
        if let error = error as? IOError { return error.errnoCode }
        if let error = error as? NIOConnectionError {
            for attempt in error.connectionErrors {
                if let code = errnoCode(attempt.error) { return code }
            }
        }
        return nil
    }
}
