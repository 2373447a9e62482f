// loom-mock-model: the mock OpenAI-compatible endpoint as a process of its own, so any client can be benchmarked
// against the same server. Every request gets the same canned completion.
//
//     loom-mock-model [--port N] [--latency SECONDS] [--threads N] [--text TEXT]
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import LoomMockModel

/// Writes straight to a file descriptor: unbuffered, so a parent process reading the pipe sees the line at once.
func emit(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

func fail(_ message: String) -> Never {
    emit("loom-mock-model: \(message)\nusage: loom-mock-model [--port N] [--latency SECONDS] [--threads N] [--text TEXT]\n", to: 2)
    exit(2)
}

var port = 0
var latency = 0.0
var threads = 1
var text = #"{"answer": "mock"}"#
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    func value() -> String {
        guard let next = arguments.popFirst() else { fail("\(argument) needs a value") }
        return next
    }
    switch argument {
    case "--port":
        guard let number = Int(value()), (0...65535).contains(number) else { fail("--port takes 0…65535") }
        port = number
    case "--latency":
        guard let seconds = Double(value()), seconds >= 0, seconds.isFinite else { fail("--latency takes seconds ≥ 0") }
        latency = seconds
    case "--threads":
        guard let count = Int(value()), count >= 1 else { fail("--threads takes a count ≥ 1") }
        threads = count
    case "--text":
        text = value()
    case "-h", "--help":
        print("usage: loom-mock-model [--port N] [--latency SECONDS] [--threads N] [--text TEXT]")
        exit(0)
    default:
        fail("unknown argument \(argument)")
    }
}

do {
    let server = try await MockModelServer.start(
        port: port, threads: threads, responder: MockModelServer.fixed(text: text, latency: latency))
    emit("listening on \(server.baseURL)\n", to: 1)
    // Runs until killed.
    while true { try await Task.sleep(for: .seconds(3600)) }
} catch {
    fail("\(error)")
}
