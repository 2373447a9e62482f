import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small W3C WebDriver client for Debian's chromedriver driving headless chromium: enough to sign in, click,
/// type, press keys, read the page and take screenshots. Waiting is chromedriver's implicit wait (finding an
/// element waits until it appears), never a sleep.
final class WebDriver: Sendable {
    static let chromedriver = "/usr/bin/chromedriver"
    static let chromium = "/usr/bin/chromium"
    /// LOOM_REQUIRE_BROWSER=1 (set by `make test`): a missing browser fails the browser tests instead of skipping them.
    static let required = ProcessInfo.processInfo.environment["LOOM_REQUIRE_BROWSER"] == "1"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriver) && FileManager.default.isExecutableFile(atPath: chromium)
    }

    private let process: Process
    private let base: String
    private let http: HTTPClient

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts chromedriver on a free loopback port and waits for its "started" line. A chromedriver that exits
    /// before it listens (seen once on a loaded machine) is started again, up to three times, and its own words
    /// are kept for the failure.
    init() async throws {
        var complaints: [String] = []
        for _ in 0..<3 {
            switch try Self.launch() {
            case .started(let process, let port):
                self.process = process
                base = "http://127.0.0.1:\(port)"
                http = HTTPClient(eventLoopGroupProvider: .singleton)
                return
            case .failed(let text):
                complaints.append(text)
            }
        }
        throw Failure(description: "chromedriver did not start: \(complaints.joined(separator: " | ").suffix(2000))")
    }

    private enum Launch {
        case started(Process, port: Int)
        case failed(String)
    }

    private static func launch() throws -> Launch {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        process.arguments = ["--port=0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // chromedriver prints "… started successfully on port N." once it listens; read until that line.
        var text = ""
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "started successfully on port "), let end = text[range.upperBound...].firstIndex(of: "."),
                let port = Int(text[range.upperBound..<end])
            {
                return .started(process, port: port)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return .failed(text.isEmpty ? "no output, exit status \(process.terminationStatus)" : text)
    }

    func shutdown() async {
        try? await http.shutdown()
        // The browsers are closed (their sessions deleted); chromedriver itself ignores SIGTERM.
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// One browser window (a WebDriver session).
    struct Browser: Sendable {
        let driver: WebDriver
        let id: String

        func open(_ url: String) async throws {
            _ = try await driver.command(.POST, "/session/\(id)/url", ["url": url])
        }

        /// The first element matching `css`, waiting (implicit wait) until one appears.
        func element(_ css: String) async throws -> String {
            let value = try await driver.command(.POST, "/session/\(id)/element", ["using": "css selector", "value": css])
            guard let object = value as? [String: Any], let element = object.values.first as? String else {
                throw Failure(description: "no element '\(css)': \(String(describing: value))")
            }
            return element
        }

        func click(_ css: String) async throws {
            let element = try await element(css)
            _ = try await driver.command(.POST, "/session/\(id)/element/\(element)/click", [:])
        }

        func type(_ css: String, _ text: String, clear: Bool = false) async throws {
            let element = try await element(css)
            if clear { _ = try await driver.command(.POST, "/session/\(id)/element/\(element)/clear", [:]) }
            _ = try await driver.command(.POST, "/session/\(id)/element/\(element)/value", ["text": text])
        }

        func text(_ css: String) async throws -> String {
            let element = try await element(css)
            return try await driver.command(.GET, "/session/\(id)/element/\(element)/text", nil) as? String ?? ""
        }

        func attribute(_ css: String, _ name: String) async throws -> String? {
            let element = try await element(css)
            return try await driver.command(.GET, "/session/\(id)/element/\(element)/attribute/\(name)", nil) as? String
        }

        /// Presses a key (with Control held if asked), as a person at the keyboard does.
        func press(_ key: String, control: Bool = false) async throws {
            var actions: [[String: Any]] = []
            if control { actions.append(["type": "keyDown", "value": "\u{E009}"]) }
            actions += [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]]
            if control { actions.append(["type": "keyUp", "value": "\u{E009}"]) }
            _ = try await driver.command(
                .POST, "/session/\(id)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        }

        func script(_ source: String) async throws -> Any? {
            try await driver.command(.POST, "/session/\(id)/execute/sync", ["script": source, "args": []])
        }

        func screenshot(to url: URL) async throws {
            guard let base64 = try await driver.command(.GET, "/session/\(id)/screenshot", nil) as? String,
                let data = Data(base64Encoded: base64)
            else { throw Failure(description: "no screenshot") }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }

        func close() async {
            _ = try? await driver.command(.DELETE, "/session/\(id)", nil)
        }
    }

    /// Opens a headless chromium window.
    func browser() async throws -> Browser {
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": Self.chromium,
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"],
                    ],
                ]
            ]
        ]
        guard let value = try await command(.POST, "/session", capabilities) as? [String: Any],
            let session = value["sessionId"] as? String
        else { throw Failure(description: "chromedriver opened no session") }
        _ = try await command(.POST, "/session/\(session)/timeouts", ["implicit": 10_000, "script": 10_000])
        return Browser(driver: self, id: session)
    }

    /// Sends one WebDriver command and returns its `value`, or throws the driver's error.
    fileprivate func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: bytes), options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if response.status.code >= 400 {
            let error = (value as? [String: Any]).map { "\($0["error"] ?? "") \($0["message"] ?? "")" } ?? "\(response.status)"
            throw Failure(description: "WebDriver \(method) \(path): \(error)")
        }
        return value is NSNull ? nil : value
    }
}
