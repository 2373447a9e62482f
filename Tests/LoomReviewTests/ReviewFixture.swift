import Foundation
import LoomCore
import LoomReview
import LoomStore
import Synchronization
import Testing

/// A run store with a few records and PNG media, a review service over it with a cheap password hash and a
/// clock the test moves (no sleeping: leases and sessions expire when the test says so).
final class ReviewFixture: Sendable {
    let directory: URL
    let store: RunStore
    let service: ReviewService
    private let clock = TestClock()

    /// The hostile text one record carries, to check it is shown as text.
    static let scriptPayload = "<script>alert('owned')</script><img src=x onerror=alert(1)>"

    /// - Parameters:
    ///   - firstRecordID: the first record's id instead of `rec-000` (an imported id may hold any character).
    ///   - firstAnswer: the first record's answer instead of "It is red.".
    init(
        records: Int = 4, settings: ReviewSettings = ReviewSettings(), firstRecordID: String? = nil,
        firstAnswer: String = "It is red."
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("media"), withIntermediateDirectories: true)
        store = try RunStore(directory: directory)
        var write = StoreWrite()
        for index in 0..<records {
            let mediaID = String(format: "m%03d", index)
            let path = "media/\(mediaID).png"
            try Data(Self.tinyPNG).write(to: directory.appendingPathComponent(path))
            write.media.append(MediaItem(id: mediaID, kind: .image, path: path, format: "png", width: 1, height: 1))
            let question = index == 0 ? "<image>\nWhat does the sign say? \(Self.scriptPayload)" : "<image>\nWhat colour is the cube?"
            write.records.append(
                Record(
                    id: index == 0 ? firstRecordID ?? "rec-000" : String(format: "rec-%03d", index), sampleID: "sample-\(index)",
                    media: [mediaID],
                    turns: [Turn(role: .user, text: question), Turn(role: .assistant, text: index == 0 ? firstAnswer : "It is red.")],
                    type: .shortVQA, domain: index % 2 == 0 ? "ocr" : "attribute_recognition", skill: nil, language: "en",
                    options: nil, answerKey: nil, checks: [],
                    provenance: Provenance(generator: "template", template: "t", phrasing: 0, seed: 1)))
        }
        try store.commit([write])
        let clock = self.clock
        service = try ReviewService(
            store: store, runDirectory: directory, settings: settings, hasher: PasswordHasher(logRounds: 4, blockSize: 1),
            clock: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func advance(seconds: Double) { clock.advance(seconds) }

    /// Creates an account and returns it.
    @discardableResult
    func account(_ name: String, role: ReviewerRole = .annotator) throws -> ReviewerAccount {
        try service.addUser(name: name, role: role, password: "password-\(name)")
        return try #require(try store.reviewer(named: name))
    }

    func batch(_ filter: ReviewBatchFilter = ReviewBatchFilter(), name: String = "all") throws -> ReviewBatch {
        let admin = ReviewerAccount(name: "setup", role: .admin, passwordHash: "", createdAt: 0)
        return try service.createBatch(name: name, filter: filter, by: admin)
    }

    /// A 1×1 PNG.
    static let tinyPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41,
        0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

/// A clock that only moves when the test moves it.
final class TestClock: Sendable {
    private let time = Mutex<Double>(1_800_000_000)
    var now: Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}
